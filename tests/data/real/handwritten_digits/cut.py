"""Cut the crops listed in labels.json from their source pages (rendered with `pdftoppm -r DPI`).

    .venv/bin/python tests/data/real/handwritten_digits/cut.py

Each crop is the blank a person wrote in, as the handwritten re-read crops it: from the end of the
printed label to the start of the next printed word, and higher than the line (handwriting
overshoots). Boxes are (left, top, right, bottom) in pixels of the page image (a PDF page rendered
at `dpi`, an image file as it is); they were chosen by looking at the page images, and so were the
values. Sources are documents of the real corpus's dev half only.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

HERE = Path(__file__).parent
REAL = HERE.parent


def main() -> None:
    labels = json.loads((HERE / "labels.json").read_text("utf-8"))
    pages: dict[tuple[str, int, int], Image.Image] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, crop in labels["crops"].items():
            key = (crop["source"], crop["page"], crop["dpi"])
            if key not in pages and crop["dpi"] is None:
                pages[key] = Image.open(REAL / crop["source"]).convert("L")
            if key not in pages:
                stem = Path(tmp) / f"p{len(pages)}"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-r",
                        str(crop["dpi"]),
                        "-f",
                        str(crop["page"]),
                        "-l",
                        str(crop["page"]),
                        "-png",
                        "-singlefile",
                        str(REAL / crop["source"]),
                        str(stem),
                    ],
                    check=True,
                )
                pages[key] = Image.open(f"{stem}.png").convert("L")
            pages[key].crop(tuple(crop["box"])).save(HERE / name)
            print(name, crop["value"])


if __name__ == "__main__":
    main()
