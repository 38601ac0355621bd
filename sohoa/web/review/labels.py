"""The Vietnamese words the review UI shows for the warehouse's English vocabulary.

Document types, their fields and the roles of their subjects are labelled where they are declared
(`extractors/fields/<type>.py`, `extractors.declaration.ROLE_LABELS`); this module only reads them,
and keeps the UI's own words (statuses, actions, notices). An unknown name falls back to itself,
so nothing is ever hidden from the steward.
"""

from __future__ import annotations

from extractors import doctypes
from extractors.declaration import ROLE_LABELS
from extractors.records import Role
from loaders import review_queue
from loaders.identity import EVIDENCE_CMND, EVIDENCE_NAME_DOB, EVIDENCE_NAME_DOB_OTHER_ID


def doc_type_label(doc_type: str | None) -> str:
    return doctypes.label(doc_type) if doc_type else ""


def field_label(name: str | None, doc_type: str | None = None) -> str:
    """The label the field's type declares; without a type, the first type that declares it."""
    if not name:
        return ""
    declared = doctypes.field_spec(doc_type, name) if doc_type else None
    if declared is None:
        declared = next((t.field(name) for t in doctypes.all_types() if t.field(name)), None)
    return declared.vi if declared else name


def role_label(role: str | None) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role or ""


def attribute_value_label(doc_type: str, attribute: str, value: str) -> str:
    """A type attribute's value as a reader knows it ("quyet_dinh" → "Quyết định")."""
    declared = doctypes.find(doc_type)
    names = declared.attribute_labels.get(attribute, {}) if declared else {}
    return names.get(value, value)


DOCUMENT_STATUS = {
    "needs_review": "Chờ xác minh",
    "verified": "Đã xác minh",
    "rejected": "Đã từ chối",
}

FIELD_STATUS = {
    "pending": "Chờ xác minh",
    "auto_verified": "Tự động xác minh",
    "accepted": "Đã chấp nhận",
    "corrected": "Đã sửa",
    "rejected": "Đã loại",
}

STATES = {
    **FIELD_STATUS,
    **DOCUMENT_STATUS,
    "open": "Chưa quyết định",
    "linked": "Đã liên kết",
    "kept_separate": "Giữ riêng",
}

REASONS = {
    review_queue.VALIDATION: "Lỗi kiểm tra",
    review_queue.IDENTITY: "Xung đột định danh",
    review_queue.FIELD_CONFLICT: "Máy đọc lại khác giá trị đã xác minh",
    review_queue.UNKNOWN_TYPE: "Chưa rõ loại",
    review_queue.LOW_CONFIDENCE: "Độ tin cậy thấp",
    review_queue.PENDING: "Chờ xác minh",
}

ACTIONS = {
    "accept": "Chấp nhận trường",
    "correct": "Sửa trường",
    "reject_field": "Loại trường",
    "accept_document": "Chấp nhận tài liệu",
    "accept_confident": "Chấp nhận các trường đạt ngưỡng tin cậy",
    "add_field": "Thêm trường còn thiếu",
    "retype": "Đổi loại giấy tờ và trích xuất lại",
    "reject_document": "Từ chối tài liệu",
    "link_subject": "Liên kết với đối tượng đã có",
    "keep_separate": "Giữ riêng, không liên kết",
    "unlink_subject": "Hủy liên kết định danh (hoàn tác)",
    "reopen_document": "Mở lại tài liệu (hoàn tác)",
    "extraction": "Máy trích xuất phiên bản mới",
}

EVIDENCE = {
    EVIDENCE_NAME_DOB: "Trùng họ tên và ngày sinh",
    EVIDENCE_NAME_DOB_OTHER_ID: "Trùng họ tên và ngày sinh, nhưng khác số định danh",
    EVIDENCE_CMND: "Cùng số CMND cũ với một người có số định danh khác",
}

ATTRIBUTES = {
    "id_number": "Số định danh",
    "cmnd_number": "Số CMND cũ",
    "full_name": "Họ tên",
    "date_of_birth": "Ngày sinh",
    "enterprise_code": "Mã số doanh nghiệp",
    "company_name": "Tên doanh nghiệp",
}

ACCOUNT_ROLES = {
    "reader": "Người đọc",
    "steward": "Biên tập viên dữ liệu",
    "admin": "Quản trị viên",
}

# The 34 provinces and cities after the 2025 merger (codes of QĐ 19/2025/QĐ-TTg).
PROVINCES = {
    "01": "Hà Nội",
    "04": "Cao Bằng",
    "08": "Tuyên Quang",
    "11": "Điện Biên",
    "12": "Lai Châu",
    "14": "Sơn La",
    "15": "Lào Cai",
    "19": "Thái Nguyên",
    "20": "Lạng Sơn",
    "22": "Quảng Ninh",
    "24": "Bắc Ninh",
    "25": "Phú Thọ",
    "31": "Hải Phòng",
    "33": "Hưng Yên",
    "37": "Ninh Bình",
    "38": "Thanh Hóa",
    "40": "Nghệ An",
    "42": "Hà Tĩnh",
    "44": "Quảng Trị",
    "46": "Huế",
    "48": "Đà Nẵng",
    "51": "Quảng Ngãi",
    "52": "Gia Lai",
    "56": "Khánh Hòa",
    "66": "Đắk Lắk",
    "68": "Lâm Đồng",
    "75": "Đồng Nai",
    "79": "TP. Hồ Chí Minh",
    "80": "Tây Ninh",
    "82": "Đồng Tháp",
    "86": "Vĩnh Long",
    "91": "An Giang",
    "92": "Cần Thơ",
    "96": "Cà Mau",
}

# Messages shown after a redirect, chosen by a key in the URL (never text from the URL).
NOTICES = {
    "accept": "Đã chấp nhận trường.",
    "correct": "Đã lưu giá trị đã sửa.",
    "reject": "Đã loại trường.",
    "accept_document": "Đã chấp nhận các trường còn lại của tài liệu.",
    "accept_confident": (
        "Đã chấp nhận các trường đạt ngưỡng tin cậy; các trường còn lại chờ bạn xem."
    ),
    "none_confident": "Không có trường nào chờ xác minh đạt ngưỡng tin cậy: hãy xem từng trường.",
    "add_field": "Đã thêm trường.",
    "retype": "Đã trích xuất lại theo loại giấy tờ bạn chọn. Hãy xem lại các trường.",
    "later": "Đã để tài liệu trước lại sau: «Tài liệu tiếp theo» bỏ qua nó trong phiên này.",
    "reject_document": "Đã từ chối tài liệu.",
    "link": "Đã liên kết tài liệu với đối tượng đã có.",
    "separate": "Đã ghi nhận: hai bên là hai đối tượng khác nhau.",
    "conflict": "Đã giải quyết xung đột giá trị.",
    "reopen": "Đã mở lại tài liệu để xác minh lại.",
    "unlink": "Đã hủy liên kết định danh.",
}

STALE = (
    "Tài liệu này vừa được người khác thay đổi nên thao tác của bạn chưa được lưu. "
    "Các giá trị mới nhất đang hiển thị bên dưới: hãy kiểm tra rồi thực hiện lại."
)


def label(table: dict[str, str], name: str | None) -> str:
    if not name:
        return ""
    return table.get(name, name)
