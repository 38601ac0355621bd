"""Options of reading a document, passed in (never read from the environment here)."""

from __future__ import annotations

from dataclasses import dataclass

# Bump when extractors/preprocess.py or extractors/handwritten_reread.py changes what a page reads
# as (the words or the re-read fields), so cached results made by the older code are not reused.
# "3": text taller than 26 px is read at ~20 px (300-dpi scans read differently).
# "4": red ink (seals) faded, a photo's sheet found and unwarped. "5": only a sheet-like region
# is unwarped (a desk photo's bright wedge is not).
CLEANUP_VERSION = "5"


@dataclass(frozen=True)
class ReadOptions:
    """How to turn a file into page words. `sohoa` builds it from its settings."""

    lang: str = "vie"  # tesseract language(s), e.g. "vie" or "vie+eng"
    render_dpi: int = 200  # PDF pages are rendered at this resolution (and stored as PNG)
    max_pages: int = 2000  # more pages than this: TooManyPages
    max_image_pixels: int = 120_000_000  # a bigger image (or render) is a DecompressionBomb
    ocr_timeout: int = 120  # seconds for one page
    preprocess: bool = True  # grayscale, resolution, deskew, denoise before OCR
    detect_orientation: bool = True  # tesseract OSD for pages turned by 90/180 degrees
    engine: str = "tesseract"  # name in the OCR engine registry

    def fingerprint(self) -> dict[str, object]:
        """What changes the words: cached results are reused only when this matches."""
        return {
            "lang": self.lang,
            "render_dpi": self.render_dpi,
            "preprocess": self.preprocess,
            "detect_orientation": self.detect_orientation,
            "engine": self.engine,
            "cleanup": CLEANUP_VERSION,
        }
