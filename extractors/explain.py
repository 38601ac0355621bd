"""Every value below the review threshold says why: a steward must never meet a doubtful value
with no reason beside it.

Most doubts already carry a finding (a failed check digit, a repaired mark, a handwritten digit);
this last step gives the others one, from what the extraction knows: a personal ID nothing checks,
free text whose Vietnamese marks OCR may have misread, or simply a low OCR score.
"""

from __future__ import annotations

from dataclasses import replace

from extractors import doctypes
from extractors.confidence import REVIEW_THRESHOLD
from extractors.records import Extraction, Finding, Severity

FREE_TEXT = frozenset({"text", "name", "address"})


def explain_low_confidence(extraction: Extraction) -> Extraction:
    """`extraction` with a finding for each field below the threshold that has none."""
    explained = {f.field for f in extraction.findings if f.field}
    declared = doctypes.find(extraction.doc_type)
    checks = {i: birth for i, birth, _ in declared.identity_checks()} if declared else {}
    present = {f.name for f in extraction.fields}
    added = []
    for field in extraction.fields:
        if field.confidence >= REVIEW_THRESHOLD or field.name in explained:
            continue
        spec = declared.field(field.name) if declared else None
        percent = round(field.confidence * 100)
        if field.name in checks and checks[field.name] not in present:
            message = (
                "Số định danh không có chữ số kiểm tra và trên giấy tờ không có ngày sinh đọc được "
                "để đối chiếu: hãy đối chiếu với bản scan"
            )
            code = "unchecked"
        elif spec is not None and spec.kind in FREE_TEXT:
            message = (
                f"Máy đọc chưa chắc chắn ({percent}%): dấu tiếng Việt hoặc một chữ có thể bị đọc "
                "sai, hãy đối chiếu với bản scan"
            )
            code = "low_confidence"
        else:
            message = (
                f"Máy đọc chưa chắc chắn ({percent}%): một chữ số hoặc ký tự có thể bị đọc sai, "
                "hãy đối chiếu với bản scan"
            )
            code = "low_confidence"
        added.append(Finding(f"{field.name}.{code}", Severity.WARNING, message, field.name))
    if not added:
        return extraction
    return replace(extraction, findings=(*extraction.findings, *added))
