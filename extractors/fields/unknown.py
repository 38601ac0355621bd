"""A document no type recognises: nothing is extracted, a steward is asked to choose the type
(the text read is kept, so re-extracting with the chosen type needs no new OCR)."""

from __future__ import annotations

from collections.abc import Sequence

from extractors.declaration import DocumentType
from extractors.fields.type_result import TypeResult
from extractors.records import Finding, PageText, Severity


def extract(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    finding = Finding(
        "document.unknown_type",
        Severity.WARNING,
        "Không nhận dạng được loại giấy tờ: hãy chọn loại và nhập thông tin "
        "(văn bản đã đọc vẫn được lưu)",
        None,
    )
    return TypeResult([], [finding])


DECLARATION = DocumentType(
    code="unknown", vi="Chưa nhận dạng được loại", fields=(), slots=(), extract=extract
)
