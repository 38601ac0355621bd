"""Vietnamese names of the warehouse's document types, shared by everything a person reads
(the batch report, the review UI). One table, so a new type adds one line."""

from __future__ import annotations

DOC_TYPE_LABELS = {
    "id_card": "Thẻ căn cước / CCCD",
    "birth_certificate": "Giấy khai sinh",
    "enterprise_registration": "Giấy chứng nhận đăng ký doanh nghiệp",
    "land_use_certificate": "Giấy chứng nhận quyền sử dụng đất",
    "admin_document": "Văn bản hành chính",
    "application_form": "Đơn, tờ khai",
    "unknown": "Chưa nhận dạng được loại",
}


def doc_type_label(doc_type: str) -> str:
    """The Vietnamese name, or the code itself for a type not listed (never hidden)."""
    return DOC_TYPE_LABELS.get(doc_type, doc_type)
