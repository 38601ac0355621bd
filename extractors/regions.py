"""Regions of a page image cut out for a second reading (`card_reread`, `boxed_digits`).

A band is (left, top, right, bottom) in the page image's pixels, the coordinates of the words.
"""

from __future__ import annotations

from PIL import Image

from extractors.records import Box

Band = tuple[int, int, int, int]
PAD = 16  # white pixels around a cut-out: Tesseract misreads glyphs that touch the image edge


def inside(box: Box, band: Band) -> bool:
    """True when the centre of `box` lies in `band` (a word of the first reading there)."""
    cx, cy = box.left + box.width / 2, box.top + box.height / 2
    return band[0] <= cx <= band[2] and band[1] <= cy <= band[3]


def padded(image: Image.Image) -> Image.Image:
    """`image` (grey) on a white canvas PAD pixels larger on every side."""
    canvas = Image.new("L", (image.width + 2 * PAD, image.height + 2 * PAD), 255)
    canvas.paste(image.convert("L"), (PAD, PAD))
    return canvas
