"""The real corpus (tests/data/real/corpus) as a yardstick: its entries by split, page reads cached
on disk, three systems run on a document, and how a person compares an extracted value with a label.

Used by bench/accuracy.py (the real-corpus table) and tests/extractors/test_real_corpus.py (dev half
only). **The test half is read only when a caller asks for split "test" explicitly**: nothing here
defaults to it.

Systems, on the same files:

- **ours**: `read_document` (clean-up, OCR, orientation) → `extract` → `finish_extraction`
  (second readings, handwritten re-read, the file's signatures);
- **plain**: the same Tesseract on the page as it is (`preprocess=False`) → the same `extract`, no
  second readings;
- **naive**: plain's page text and three regular expressions ("Số: …/…", the first "ngày … tháng
  … năm …", the first "V/v" / "Về việc" line): what a script around Tesseract would do.

OCR is the slow part (seconds a page on a busy 2-core machine); a page read is cached under
`var/bench-cache/` keyed by the file's bytes, the read options, the engine's version and the source
of every module that turns a file into words (so a change to the clean-up reads again).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import re
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from extractors.confidence import REVIEW_THRESHOLD  # noqa: E402
from extractors.data.bodies import body_key  # noqa: E402

CORPUS = REPO / "tests/data/real/corpus"
CACHE = REPO / "var/bench-cache/real"
TODAY = date(2026, 6, 1)
SYSTEMS = ("ours", "plain", "naive")
# The header fields of an administrative document the targets are about (kind is an
# attribute without a confidence: it counts for "exact" and "straight through", not for
# auto-accept).
ADMIN_HEADER = ("number_symbol", "issued_on", "place", "issuer", "kind", "subject", "signer")
ADMIN_EXTRA = ("issuer_parent", "signer_title")
NAIVE_FIELDS = ("number_symbol", "issued_on", "subject")
# Modules whose source decides the words a page reads as (the cache key includes them).
READING_SOURCES = (
    "extractors/preprocess.py", "extractors/photo.py", "extractors/reading.py",
    "extractors/pages.py", "extractors/textlayer.py", "extractors/layout.py",
    "extractors/sniff.py", "extractors/options.py",
)  # fmt: skip


# --- the corpus ---------------------------------------------------------------------------------


def entries(split: str) -> list[dict[str, Any]]:
    """The corpus entries of `split` ("dev", "test" or "all"), in id order."""
    if split not in ("dev", "test", "all"):
        raise ValueError(f"split must be dev, test or all, not {split!r}")
    data = json.loads((CORPUS / "labels.json").read_text("utf-8"))
    docs = [d for d in data["documents"] if split == "all" or d["split"] == split]
    return sorted(docs, key=lambda d: d["id"])


def file_of(entry: dict[str, Any]) -> Path:
    return (CORPUS / entry["file"]).resolve()


def scored_fields(entry: dict[str, Any]) -> list[str]:
    """The label fields the extractor is measured on, in label order: an administrative
    document's header fields and the two of its two-line blocks, or what another type declares."""
    from extractors import doctypes

    if entry["doc_type"] == "admin_document":
        declared = {*ADMIN_HEADER, *ADMIN_EXTRA}
    else:
        declared = set(doctypes.get(entry["doc_type"]).field_names())
    return [name for name in entry["fields"] if name in declared]


def header_fields(entry: dict[str, Any]) -> tuple[str, ...]:
    """The fields that make a document "straight through" (every one right and accepted)."""
    if entry["doc_type"] == "admin_document":
        return tuple(f for f in ADMIN_HEADER if f in entry["fields"])
    return tuple(scored_fields(entry))


# --- comparing a value with a label -------------------------------------------------------------

_VV_PREFIX = re.compile(r"^\s*(?:về việc|v/v)\s*[:.]?\s*", re.IGNORECASE)
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
# Fields whose letters' case a person does not care about (a name in capitals is the same name).
_CASELESS = frozenset(
    {"place", "issuer", "issuer_parent", "subject", "signer", "signer_title", "kind", "address",
     "land_type", "usage_form", "usage_term", "origin", "owner_full_name", "co_owner_full_name"}
)  # fmt: skip
_BODIES = frozenset({"issuer", "issuer_parent", "place"})


def canonical(name: str, value: str | None) -> str:
    """The form in which a person compares two values of field `name`: NFC, single spaces,
    typographic quotes and dashes plain; no case where a person would not care; a subject without
    its "V/v" / "Về việc" opener (labels keep it as printed, the extractor gives what follows it);
    issuers and places by `extractors.data.bodies.body_key` (abbreviations expanded, so "UBND tỉnh
    Đắk Nông" is "Ủy ban nhân dân tỉnh Đắk Nông"); a number/symbol without spaces; a signing
    title's abbreviations spaced alike ("KT.BỘ TRƯỞNG" is "KT. BỘ TRƯỞNG")."""
    text = " ".join(unicodedata.normalize("NFC", value or "").translate(_QUOTES).split())
    if name == "signer_title":
        text = re.sub(r"\b(TM|KT|TL|TUQ|Q)\.\s*", r"\1. ", text, flags=re.IGNORECASE)
    if name == "subject":
        text = _VV_PREFIX.sub("", text).rstrip(" .;")
    if name == "number_symbol":
        return text.replace(" ", "")
    if name in _BODIES:
        return body_key(text)
    return text.casefold() if name in _CASELESS else text


def same(name: str, got: str | None, want: str | None) -> bool:
    return canonical(name, got) == canonical(name, want)


# --- reading, cached ----------------------------------------------------------------------------


def _reading_code() -> str:
    digest = hashlib.sha256()
    paths = [REPO / p for p in READING_SOURCES] + sorted((REPO / "extractors/ocr").glob("*.py"))
    for path in paths:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(path: Path, options: Any, engine: Any) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    meta = json.dumps([options.fingerprint(), engine.version(), _reading_code()], sort_keys=True)
    return f"{digest[:24]}-{hashlib.sha256(meta.encode()).hexdigest()[:16]}"


def read_cached(
    path: Path, options: Any, engine: Any, cache: Path | None = CACHE
) -> tuple[list[Any], dict[int, Any], float]:
    """(pages, OCR page images by number, seconds spent reading) — from the cache when the same
    file was read with the same options and reading code; `cache` None reads without caching."""
    from PIL import Image

    from extractors.reading import read_document
    from extractors.records import PageSource, PageText

    folder = cache / cache_key(path, options, engine) if cache is not None else None
    if folder is not None and (folder / "pages.json").exists():
        saved = json.loads((folder / "pages.json").read_text("utf-8"))
        pages = [PageText.from_dict(p) for p in saved["pages"]]
        images = {
            p.number: Image.open(folder / f"page-{p.number}.png").convert("RGB")
            for p in pages
            if p.source is PageSource.OCR and (folder / f"page-{p.number}.png").exists()
        }
        return pages, images, float(saved["seconds"])
    started = time.perf_counter()
    pages, images = [], {}
    for page, image in read_document(path, options, engine):
        pages.append(page)
        if page.source is PageSource.OCR:
            images[page.number] = image
    seconds = time.perf_counter() - started
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for number, image in images.items():
            image.save(folder / f"page-{number}.png")
        payload = {"file": path.name, "seconds": seconds, "pages": [p.to_dict() for p in pages]}
        (folder / "pages.json").write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
    return pages, images, seconds


# --- running the systems ------------------------------------------------------------------------


@dataclass
class Run:
    """One system on one document: field → (value, confidence or None), kind, seconds a page."""

    fields: dict[str, tuple[str, float | None]] = field(default_factory=dict)
    kind: str | None = None
    doc_type: str | None = None
    seconds_per_page: float = 0.0
    findings: list[str] = field(default_factory=list)

    def value(self, name: str) -> tuple[str, float | None] | None:
        if name == "kind":
            return (self.kind, None) if self.kind else None
        return self.fields.get(name)


def run_document(
    entry: dict[str, Any], systems: Iterable[str] = SYSTEMS, cache: Path | None = CACHE
) -> dict[str, Run]:
    """Each of `systems` on the corpus document `entry`."""
    from extractors.document import extract
    from extractors.ocr import get_engine
    from extractors.options import ReadOptions
    from extractors.refine import finish_extraction
    from extractors.signatures import read_signatures

    engine = get_engine("tesseract")
    path = file_of(entry)
    hint = entry["doc_type"] if entry["doc_type"] != "admin_document" else None
    out: dict[str, Run] = {}
    systems = tuple(systems)
    if "ours" in systems:
        pages, images, seconds = read_cached(path, ReadOptions(), engine, cache)
        started = time.perf_counter()
        result = extract(pages, sha256="bench", hint=hint, today=TODAY)
        result = finish_extraction(
            result, pages, images, engine, read_signatures(path), today=TODAY
        )
        seconds += time.perf_counter() - started
        out["ours"] = _run(result, seconds, len(pages))
    if "plain" in systems or "naive" in systems:
        pages, _, seconds = read_cached(path, ReadOptions(preprocess=False), engine, cache)
        if "plain" in systems:
            started = time.perf_counter()
            result = extract(pages, sha256="bench", hint=hint, today=TODAY)
            out["plain"] = _run(result, seconds + time.perf_counter() - started, len(pages))
        if "naive" in systems:
            started = time.perf_counter()
            run = naive(pages[0].text if pages else "")
            run.seconds_per_page = (seconds + time.perf_counter() - started) / max(1, len(pages))
            out["naive"] = run
    return out


def _run(result: Any, seconds: float, pages: int) -> Run:
    return Run(
        {f.name: (f.value, f.confidence) for f in result.fields},
        result.attributes.get("kind"),
        result.doc_type,
        seconds / max(1, pages),
        [f"{f.code}: {f.message}" for f in result.findings],
    )


_NAIVE_NUMBER = re.compile(r"S[ốoô]\s*:?\s*(\d+\s*/\s*[\w\-/Đđ]+)", re.IGNORECASE)
_NAIVE_DATE = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)
_NAIVE_SUBJECT = re.compile(r"^\s*(?:V/v|Về việc)\s+(.+)$", re.IGNORECASE | re.MULTILINE)


def naive(text: str) -> Run:
    """Tesseract text + three regular expressions; no confidences (nothing is auto-accepted)."""
    run = Run(doc_type="admin_document")
    if m := _NAIVE_NUMBER.search(text):
        run.fields["number_symbol"] = (re.sub(r"\s", "", m.group(1)), None)
    if m := _NAIVE_DATE.search(text):
        with contextlib.suppress(ValueError):  # "ngày 31 tháng 02": no date
            run.fields["issued_on"] = (date(*map(int, m.group(3, 2, 1))).isoformat(), None)
    if m := _NAIVE_SUBJECT.search(text):
        run.fields["subject"] = (m.group(1).strip(), None)
    return run


# --- scoring ------------------------------------------------------------------------------------

BUCKETS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    accepted: int = 0
    accepted_right: int = 0
    confidences: list[tuple[float, bool]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def add(self, name: str, got: tuple[str, float | None] | None, want: str | None) -> bool:
        """Score one field; a value where the page has none (label null) is a wrong value."""
        if want is None and got is None:
            return True
        ok = got is not None and want is not None and same(name, got[0], want)
        self.total += 1
        self.right += ok
        if got is not None and got[1] is not None:
            self.confidences.append((got[1], ok))
            if got[1] >= REVIEW_THRESHOLD:
                self.accepted += 1
                self.accepted_right += ok
        return ok

    @property
    def accepted_wrong(self) -> int:
        return self.accepted - self.accepted_right

    def merge(self, other: Tally) -> None:
        self.right += other.right
        self.total += other.total
        self.accepted += other.accepted
        self.accepted_right += other.accepted_right
        self.confidences += other.confidences
        self.seconds += other.seconds


def straight_through(entry: dict[str, Any], run: Run) -> bool:
    """Every labelled header field right, and at or above the threshold (kind: right)."""
    for name in header_fields(entry):
        want, got = entry["fields"][name], run.value(name)
        if want is None and got is None:
            continue
        if got is None or want is None or not same(name, got[0], want):
            return False
        if name != "kind" and (got[1] is None or got[1] < REVIEW_THRESHOLD):
            return False
    return True


def reliability(confidences: list[tuple[float, bool]]) -> list[tuple[str, int, int]]:
    """(bucket, right, total) for each confidence bucket."""
    rows = []
    for low, high in itertools.pairwise(BUCKETS):
        inside = [ok for c, ok in confidences if low <= c < high]
        label = f"[{low:.2f}, {min(high, 1.0):.2f}{']' if high > 1 else ')'}"
        rows.append((label, sum(inside), len(inside)))
    return rows


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "–"


def score(
    docs: list[tuple[dict[str, Any], dict[str, Run]]], systems: Iterable[str]
) -> dict[str, Any]:
    """Tallies per (system, doc_type, field), per (system, doc_type, "*header*"), handwritten
    subsets, captures, and straight-through counts."""
    systems = tuple(systems)
    tallies: dict[tuple[str, ...], Tally] = {}

    def tally(*key: str) -> Tally:
        return tallies.setdefault(key, Tally())

    through: dict[tuple[str, str], list[int]] = {}
    for entry, runs in docs:
        doc_type = entry["doc_type"]
        header = header_fields(entry)
        hand = set(entry["fields"].get("handwritten") or ())
        for system in systems:
            run = runs.get(system)
            if run is None:
                continue
            tally(system, doc_type, "*seconds*").seconds.append(run.seconds_per_page)
            for name in scored_fields(entry):
                if system == "naive" and name not in NAIVE_FIELDS:
                    continue
                want, got = entry["fields"][name], run.value(name)
                one = Tally()
                one.add(name, got, want)
                tally(system, doc_type, name).merge(one)
                if name in header:
                    tally(system, doc_type, "*header*").merge(one)
                    tally(system, doc_type, "*capture*", entry["capture"]).merge(one)
                if name in NAIVE_FIELDS:
                    tally(system, doc_type, "*naive-fields*").merge(one)
                tally(system, doc_type, "*all*").merge(one)
                if name == "number_symbol" and "number" in hand:
                    tally(system, doc_type, "*handwritten*", name).merge(one)
                if name == "issued_on" and hand & {"day", "month"}:
                    tally(system, doc_type, "*handwritten*", name).merge(one)
            counts = through.setdefault((system, doc_type), [0, 0])
            counts[1] += 1
            counts[0] += system != "naive" and straight_through(entry, run)
    return {"tallies": tallies, "through": through}


def misses(entry: dict[str, Any], run: Run) -> list[str]:
    """What `run` got wrong on `entry`, one line each (for looking at dev-half misses)."""
    out = []
    for name in scored_fields(entry):
        want, got = entry["fields"][name], run.value(name)
        if want is None and got is None:
            continue
        if got is not None and want is not None and same(name, got[0], want):
            if got[1] is not None and got[1] < REVIEW_THRESHOLD:
                out.append(f"  ok-low  {name} @{got[1]}")
            continue
        conf = "" if got is None or got[1] is None else f" @{got[1]}"
        flag = "WRONG≥T" if got and got[1] is not None and got[1] >= REVIEW_THRESHOLD else "miss"
        out.append(f"  {flag:7} {name}: got {got[0] if got else None!r}{conf}; want {want!r}")
    return out
