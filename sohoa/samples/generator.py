"""`generate()`: a deterministic batch of synthetic documents with ground truth beside each file.

Each sample draws from its own generators seeded by (seed, index), so sample 7 is the same whether
10 or 1,000 are generated, and nothing reads the clock."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import numpy as np
from PIL import Image

from sohoa.samples import capture
from sohoa.samples import conditions as conditions_module
from sohoa.samples.document import Document
from sohoa.samples.hand import fonts_present
from sohoa.samples.noise import NOISE_LEVELS, degrade
from sohoa.samples.render import to_image, to_scan_pdf, to_text_pdf
from sohoa.samples.templates import registry

TRUTH_SCHEMA = 1
FORMATS: tuple[str, ...] = ("png", "jpg", "pdf_scan", "pdf_text")
DEFAULT_FORMAT_WEIGHTS = {"png": 0.3, "jpg": 0.3, "pdf_scan": 0.25, "pdf_text": 0.15}
EXTENSIONS = {"png": "png", "jpg": "jpg", "pdf_scan": "pdf", "pdf_text": "pdf"}


@dataclass(frozen=True)
class SampleInfo:
    path: Path  # the document file
    truth_path: Path  # <stem>.truth.json beside it
    doc_type: str  # docs/DESIGN.md doc_type: id_card, admin_document, …
    format: str  # png | jpg | pdf_scan | pdf_text
    template: str = ""  # the template module: id_card_chip, admin_document, …


def template_names() -> list[str]:
    return list(registry())


def _resolve_types(types: Sequence[str] | None) -> list[str]:
    reg = registry()
    if types is None:
        return []
    out: list[str] = []
    for t in types:
        # a doc_type stands for all its templates
        names = [t] if t in reg else [n for n, m in reg.items() if t == m.DOC_TYPE]
        if not names:
            raise ValueError(f"unknown sample type {t!r}; known: {', '.join(reg)}")
        out.extend(n for n in names if n not in out)
    return out


def _check_formats(formats: Sequence[str] | None) -> list[str]:
    if formats is None:
        return []
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"unknown format(s) {bad}; known: {', '.join(FORMATS)}")
    return list(dict.fromkeys(formats))


def generate(
    out_dir: Path,
    *,
    count: int,
    seed: int,
    noise: Literal["none", "light", "heavy", "real"] = "light",
    types: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
    conditions: Collection[str] | None = None,
) -> list[SampleInfo]:
    """Write `count` documents, `<stem>.truth.json` beside each, and `index.json` into `out_dir`.

    `types` are template names (``id_card_chip``) or document types (``id_card`` = all its
    templates); given, they are used in turn (sample i gets ``types[i % len(types)]``); omitted,
    each sample draws one by weight. `formats` likewise: given, sample i gets
    ``formats[(i // len(types)) % len(formats)]``, so ``count = len(types) * len(formats)`` covers
    every pair; omitted, a seeded mix. `progress(n)` is called after each sample with the number
    done so far.

    `conditions` (names in sohoa/samples/conditions.py: handwritten_number, stamp_over_signature,
    phone_photo, …) are turned on for every document that can show them; omitted, the ``real``
    noise level draws them per document at the real corpus's frequencies, and the other levels
    turn none on.
    """
    if noise not in NOISE_LEVELS:
        raise ValueError(f"unknown noise level {noise!r}; known: {', '.join(NOISE_LEVELS)}")
    if count < 0:
        raise ValueError("count must be >= 0")
    reg = registry()
    chosen_types = _resolve_types(types)
    chosen_formats = _check_formats(formats)
    forced = conditions_module.check(conditions)
    hands = noise == "real" or bool(forced & set(conditions_module.HANDWRITTEN))
    if hands and not fonts_present():
        raise RuntimeError(
            "handwriting fonts missing: install the Debian packages fonts-dkg-handwriting and "
            "fonts-sjfonts (scripts/setup.sh does)"
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    infos: list[SampleInfo] = []
    index_rows: list[dict[str, Any]] = []
    for i in range(count):
        pick = random.Random(f"sohoa-samples:{seed}:{i}:pick")
        if chosen_types:
            name = chosen_types[i % len(chosen_types)]
        else:
            names = list(reg)
            name = pick.choices(names, weights=[reg[n].WEIGHT for n in names])[0]
        if chosen_formats:
            per = len(chosen_types) or 1
            fmt = chosen_formats[(i // per) % len(chosen_formats)]
        else:
            fmts = list(DEFAULT_FORMAT_WEIGHTS)
            fmt = pick.choices(fmts, weights=list(DEFAULT_FORMAT_WEIGHTS.values()))[0]

        # conditions come from their own generator: a level without them draws what it always did
        cond_rng = random.Random(f"sohoa-samples:{seed}:{i}:conditions")
        active = conditions_module.for_page(forced, noise, cond_rng, born_digital=fmt == "pdf_text")
        rng = random.Random(f"sohoa-samples:{seed}:{i}:{name}")
        doc = _build(reg[name], rng, active)
        stem = f"{i + 1:04d}_{name}"
        file_name = f"{stem}.{EXTENSIONS[fmt]}"
        path = out_dir / file_name
        truth_path = out_dir / f"{stem}.truth.json"
        scan = _write(
            doc,
            fmt,
            noise,
            path,
            np.random.default_rng([seed, i, 7]),
            active,
            np.random.default_rng([seed, i, 11]),
        )
        shown = list(doc.conditions)
        if scan is not None:
            shown += [c for c in scan.pop("conditions", []) if c not in shown]

        truth = {
            "schema": TRUTH_SCHEMA,
            "file": file_name,
            "template": name,
            "doc_type": doc.doc_type,
            "attributes": dict(doc.attributes),
            "fields": doc.normalized_fields(),
            "subjects": [s.to_dict() for s in doc.subjects],
            "handwritten": list(doc.handwritten),
            "conditions": shown,
            "capture": conditions_module.capture_of(active, fmt),
            "noise": noise if fmt != "pdf_text" else "none",
            "format": fmt,
            "seed": seed,
            "index": i,
            "page": {"width": doc.page.width, "height": doc.page.height, "dpi": doc.page.dpi},
            "scan": scan,
            "lines": list(doc.page.lines),
        }
        truth_path.write_text(
            json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        info = SampleInfo(path, truth_path, doc.doc_type, fmt, name)
        infos.append(info)
        index_rows.append(
            {
                "file": file_name,
                "truth": truth_path.name,
                "template": name,
                "doc_type": doc.doc_type,
                "attributes": dict(doc.attributes),
                "format": fmt,
            }
        )
        if progress is not None:
            progress(i + 1)

    index = {
        "schema": TRUTH_SCHEMA,
        "generator": "sohoa.samples",
        "seed": seed,
        "count": count,
        "noise": noise,
        "samples": index_rows,
    }
    (out_dir / "index.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return infos


def _build(template: ModuleType, rng: random.Random, active: frozenset[str]) -> Document:
    """With conditions on, a template that declares CONDITIONS draws the page as real ones look,
    with those of its conditions that are on (maybe none); without, it builds as it always did."""
    if active and hasattr(template, "CONDITIONS"):
        doc: Document = template.build(rng, active & template.CONDITIONS)
    else:
        doc = template.build(rng)
    return doc


def _write(
    doc: Document,
    fmt: str,
    noise: str,
    path: Path,
    nrng: np.random.Generator,
    active: frozenset[str] = frozenset(),
    crng: np.random.Generator | None = None,
) -> dict[str, Any] | None:
    """Write the file; return the scan facts (None for a born-digital PDF): the skew, and for a
    photo or a screenshot where the page lies in the picture, and the capture conditions."""
    page = doc.page
    if fmt == "pdf_text":
        path.write_bytes(to_text_pdf(page, title=doc.doc_type))
        return None
    crng = crng if crng is not None else np.random.default_rng(0)
    clean = to_image(page)
    if "show_through" in active:
        clean = capture.show_through(clean, crng)
    low = "low_resolution" in active
    facts: dict[str, Any]
    if "phone_photo" in active:
        shot = capture.phone_photo(clean, crng, low_resolution=low)
        img, dpi, facts = shot.image, shot.dpi, {"skew_degrees": 0.0, **shot.facts}
        shown = ["perspective", "uneven_light"]
    elif "screenshot" in active:
        # a scanned page shown in a viewer: the scan first (light unless the level says more)
        level = "light" if noise in ("none", "real") else noise
        scanned = degrade(clean, level, nrng).image if noise != "none" else clean
        shot = capture.screenshot(scanned, crng, low_resolution=low)
        img, dpi, facts = shot.image, shot.dpi, {"skew_degrees": 0.0, **shot.facts}
        shown = ["interface_around"]
    else:
        degraded = degrade(clean, noise, nrng)
        img, dpi = degraded.image, page.dpi
        facts = {"skew_degrees": degraded.skew_degrees}
        shown = []
        if low:
            img, scale = capture.shrink(img, crng)
            dpi = max(30, round(page.dpi * scale))
            facts.update(scale=round(scale, 4), width=img.width, height=img.height)
    shown += [c for c in ("low_resolution", "show_through") if c in active]
    _save(img, fmt, dpi, path)
    if shown:
        facts["conditions"] = shown
    return facts


def _save(img: Image.Image, fmt: str, dpi: int, path: Path) -> None:
    if fmt == "png":
        img.save(path, "PNG", optimize=False, dpi=(dpi, dpi))
    else:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=88, dpi=(dpi, dpi))
        if fmt == "jpg":
            path.write_bytes(buf.getvalue())
        else:
            path.write_bytes(to_scan_pdf(buf.getvalue(), img.width, img.height, dpi))
