"""Whether what was read is a document at all: a file whose pages carry no readable text (a photo,
a blank or black scan) is set aside for a person instead of becoming an empty record."""

from __future__ import annotations

from collections.abc import Sequence

from extractors.errors import NotADocument
from extractors.records import PageText

MIN_READABLE_WORDS = 3  # a real document page has far more; a photo yields a few stray marks
MIN_WORD_CONFIDENCE = 0.5


def readable_words(pages: Sequence[PageText]) -> int:
    """Words of two or more letters or digits read with reasonable confidence."""
    return sum(
        1
        for page in pages
        for word in page.words
        if word.confidence >= MIN_WORD_CONFIDENCE and sum(ch.isalnum() for ch in word.text) >= 2
    )


def require_text(pages: Sequence[PageText]) -> None:
    """Raise `NotADocument` when no page holds readable text."""
    if readable_words(pages) < MIN_READABLE_WORDS:
        raise NotADocument(
            "Không đọc được chữ nào trên tệp: có thể đây là ảnh chụp không phải giấy tờ, trang "
            "trắng hoặc bản quét quá tối. Hãy kiểm tra và quét lại nếu đúng là giấy tờ.",
            detail=f"{len(pages)} page(s), {readable_words(pages)} readable word(s)",
        )
