"""Is a PDF page's text layer the page's real text, or must the page be OCRed?

Scanned PDFs from e-office systems carry an image of the page plus a little text (the e-signature
stamp); older scanners add an OCR layer that lost the Vietnamese diacritics; broken fonts give
garbage. Trusting any of these would hide the real content, so each is rejected with a reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.records import Word
from extractors.text import fold

# Thresholds, tuned on the real e-office scans (stamp only) and born-digital PDFs in shared/data.
MIN_WORDS = 12  # fewer words than this is not a page of text
MIN_HEIGHT_SHARE = 0.2  # the words must span at least this share of the page height …
MIN_AREA_SHARE = 0.05  # … and their boxes cover at least this share of the page area
MAX_GARBAGE_SHARE = 0.2  # replacement/private-use/unmapped glyphs among characters
MIN_LETTER_SHARE = 0.5  # letters and digits among non-space characters
MIN_DIACRITIC_WORD_SHARE = 0.12  # Vietnamese prose has marks on roughly half its words
MIN_VIETNAMESE_STOPWORD_SHARE = 0.08  # how we tell unaccented Vietnamese from English

# Frequent Vietnamese function words, folded (no diacritics, upper case).
_VIETNAMESE_STOPWORDS = frozenset(
    {"VA", "CUA", "CAC", "CHO", "NGAY", "THANG", "NAM", "TINH", "SO", "VE", "VIEC", "THEO"}
    | {"DUOC", "CO", "KHONG", "NHUNG", "TREN", "TAI", "TU", "DEN", "VOI", "LA", "DA", "TRONG"}
    | {"NAY", "DE", "QUY", "DINH", "UY", "BAN", "NHAN", "DAN"}
)
_CID = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class TextLayerVerdict:
    usable: bool
    reason: str  # English, goes into the page's notes


def assess_text_layer(
    words: Sequence[Word] | None, page_image_size: tuple[int, int]
) -> TextLayerVerdict:
    """Decide whether `words` (a page's text layer, in image pixels) can stand in for OCR."""
    if not words:
        return TextLayerVerdict(False, "no text layer")
    width, height = page_image_size
    text = " ".join(w.text for w in words)
    chars = [ch for ch in text if not ch.isspace()]
    garbage = len(_CID.findall(text)) * 6 + sum(1 for ch in chars if _is_garbage(ch))
    if garbage / max(1, len(chars)) > MAX_GARBAGE_SHARE:
        return TextLayerVerdict(False, "text layer is garbage (unmapped or replacement glyphs)")
    letters = sum(1 for ch in chars if ch.isalnum())
    if letters / max(1, len(chars)) < MIN_LETTER_SHARE:
        return TextLayerVerdict(False, "text layer is garbage (too few letters)")
    top = min(w.box.top for w in words)
    bottom = max(w.box.bottom for w in words)
    area = sum(w.box.width * w.box.height for w in words)
    if (
        len(words) < MIN_WORDS
        or (bottom - top) < MIN_HEIGHT_SHARE * height
        or area < MIN_AREA_SHARE * width * height * _density_allowance(len(words))
    ):
        return TextLayerVerdict(
            False,
            f"text layer covers only a small area ({len(words)} words), "
            "e.g. a signature stamp on a scanned image",
        )
    tokens = [fold(w.text) for w in words]
    stopwords = sum(1 for t in tokens if t.strip(".,;:()") in _VIETNAMESE_STOPWORDS)
    marked = sum(1 for w in words if _has_vietnamese_marks(w.text))
    if (
        stopwords / len(tokens) >= MIN_VIETNAMESE_STOPWORD_SHARE
        and marked / len(tokens) < MIN_DIACRITIC_WORD_SHARE
    ):
        return TextLayerVerdict(
            False, "text layer looks like an OCR layer that lost the diacritics"
        )
    return TextLayerVerdict(True, f"text layer used ({len(words)} words)")


def _density_allowance(word_count: int) -> float:
    """Many words in a small area is still a real page (small print); relax the area rule then."""
    return 1.0 if word_count < 150 else 0.3


def _is_garbage(ch: str) -> bool:
    if ch == "\ufffd":
        return True
    category = unicodedata.category(ch)
    return category in ("Co", "Cn", "Cc", "Cs")


def _has_vietnamese_marks(text: str) -> bool:
    return any(unicodedata.combining(ch) or ch in "đĐ" for ch in unicodedata.normalize("NFD", text))
