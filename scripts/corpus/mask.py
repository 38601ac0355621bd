"""Black out personal identifiers on corpus pages, with the boxes recorded in the labels.

The labels file lists, per document, ``masked``: ``[{"page": n, "box": [left, top, width, height],
"what": ...}]`` in pixels of the page image (page 1 first). This script reads those boxes and writes
the masked page(s); the unmasked original is never committed.

    python scripts/corpus/mask.py --labels tests/data/real/corpus/labels.json --id DOC_ID \
        --page PAGE1.png [--page PAGE2.png ...] --output tests/data/real/corpus/files/DOC_ID.pdf

A PDF page must be rendered to an image first (e.g. ``pdftoppm -r 150 -png``). With one page and
an image output (``.png``/``.jpg``) the masked image is written as is; with a ``.pdf`` output every
page goes into one PDF at the resolution given by ``--dpi``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PIL import Image, ImageDraw


def load_masks(labels_path: Path, doc_id: str) -> list[dict]:
    data = json.loads(labels_path.read_text(encoding="utf-8"))
    documents = data["documents"] if isinstance(data, dict) and "documents" in data else [data]
    for document in documents:
        if document.get("id") == doc_id:
            return document.get("masked", [])
    raise SystemExit(f"No document with id {doc_id!r} in {labels_path}; add its entry first.")


def mask_pages(pages: list[Image.Image], masks: list[dict]) -> list[Image.Image]:
    """Return copies of the pages with every recorded box filled in opaque black."""
    out = [page.convert("RGB") for page in pages]
    for mask in masks:
        index = mask["page"] - 1
        if not 0 <= index < len(out):
            raise SystemExit(
                f"Mask {mask} names page {mask['page']}, but {len(out)} page(s) were given."
            )
        left, top, width, height = mask["box"]
        page = out[index]
        if left < 0 or top < 0 or left + width > page.width or top + height > page.height:
            raise SystemExit(
                f"Mask {mask} falls outside page {mask['page']} ({page.width}x{page.height})."
            )
        ImageDraw.Draw(page).rectangle(
            [left, top, left + width - 1, top + height - 1], fill=(0, 0, 0)
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--id", required=True)
    parser.add_argument(
        "--page", type=Path, action="append", required=True, help="page image, in order"
    )
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument(
        "--dpi", type=float, default=150.0, help="resolution recorded in a PDF output"
    )
    parser.add_argument("--quality", type=int, default=85, help="JPEG quality for a .jpg output")
    args = parser.parse_args()

    masked = mask_pages([Image.open(p) for p in args.page], load_masks(args.labels, args.id))
    suffix = args.output.suffix.lower()
    if suffix == ".pdf":
        masked[0].save(args.output, save_all=True, append_images=masked[1:], resolution=args.dpi)
    elif len(masked) == 1:
        extra = {"quality": args.quality} if suffix in {".jpg", ".jpeg"} else {}
        masked[0].save(args.output, **extra)
    else:
        raise SystemExit("Several pages need a .pdf output.")
    boxes = len(load_masks(args.labels, args.id))
    print(f"{args.id}: {len(masked)} page(s), {boxes} box(es)")


if __name__ == "__main__":
    main()
