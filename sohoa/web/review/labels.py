"""The Vietnamese words the review UI shows for the warehouse's English vocabulary.

Kept as data in one place so that a new document type or field only adds a line here; an
unknown name falls back to itself, so nothing is ever hidden from the steward.
"""

from __future__ import annotations

from loaders import review_queue
from loaders.identity import EVIDENCE_CMND, EVIDENCE_NAME_DOB, EVIDENCE_NAME_DOB_OTHER_ID
from sohoa.vocabulary import DOC_TYPE_LABELS

DOC_TYPES = DOC_TYPE_LABELS

FIELDS = {
    "id_number": "Số định danh cá nhân",
    "cmnd_number": "Số CMND cũ",
    "full_name": "Họ, chữ đệm và tên",
    "date_of_birth": "Ngày, tháng, năm sinh",
    "sex": "Giới tính",
    "nationality": "Quốc tịch",
    "place_of_origin": "Quê quán",
    "place_of_residence": "Nơi thường trú",
    "place_of_birth": "Nơi sinh",
    "expiry_date": "Có giá trị đến",
    "issue_date": "Ngày cấp",
    "issued_on": "Ngày ban hành",
    "enterprise_code": "Mã số doanh nghiệp",
    "company_name": "Tên doanh nghiệp",
    "legal_representative": "Người đại diện theo pháp luật",
    "address": "Địa chỉ",
    "number_symbol": "Số, ký hiệu",
    "place": "Địa danh",
    "issuer": "Cơ quan ban hành",
    "subject": "Trích yếu",
    "signer": "Người ký",
    "mother_full_name": "Họ tên mẹ",
    "father_full_name": "Họ tên cha",
    "parcel_number": "Thửa đất số",
    "map_sheet": "Tờ bản đồ số",
    "area": "Diện tích",
}

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
    review_queue.UNKNOWN_TYPE: "Chưa rõ loại",
    review_queue.LOW_CONFIDENCE: "Độ tin cậy thấp",
    review_queue.PENDING: "Chờ xác minh",
}

ACTIONS = {
    "accept": "Chấp nhận trường",
    "correct": "Sửa trường",
    "reject_field": "Loại trường",
    "accept_document": "Chấp nhận tài liệu",
    "reject_document": "Từ chối tài liệu",
    "link_subject": "Liên kết với đối tượng đã có",
    "keep_separate": "Giữ riêng, không liên kết",
    "unlink_subject": "Hủy liên kết định danh (hoàn tác)",
    "reopen_document": "Mở lại tài liệu (hoàn tác)",
    "extraction": "Máy trích xuất phiên bản mới",
}

ROLES = {
    "holder": "Người được cấp",
    "child": "Người được khai sinh",
    "mother": "Mẹ",
    "father": "Cha",
    "legal_representative": "Người đại diện theo pháp luật",
    "owner": "Chủ sở hữu",
    "addressee": "Nơi nhận",
    "issuer": "Cơ quan ban hành",
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
