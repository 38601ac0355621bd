"""The codes the API answers when a client's input is refused, with their English message and HTTP
status: one table, so that every refusal of one kind reads the same wherever the value came from
(a header, the path, a query value, a JSON body).

Codes are plain strings and stable: clients branch on them. The steward path's correction refusals
(the value kinds declared in `extractors/`) are meant to use the same codes; `refusal(code)` turns
any of them into the API's answer.

Invalid characters are refused before anything reads them: `RefuseInvalidCharacters` (the path,
the query string, header bytes, the review UI's form fields), `security.purpose` (X-Purpose, which
is percent-decoded), and the `Text` type of every string in a JSON body (`checked_text`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sohoa.web.errors import ApiError, error_response

# A character no text column can hold or nobody types: NUL and the other control characters,
# half of a UTF-16 surrogate pair (JSON can escape one; no UTF-8 database can store it).
INVALID_CHARACTER = "invalid_character"
VALUE_TOO_LONG = "value_too_long"
INVALID_DATE = "invalid_date"
INVALID_ID_NUMBER = "invalid_id_number"
INVALID_REQUEST = "invalid_request"  # any other refusal of a parameter or of the body
# A steward's correction refused by its field's value kind (extractors/kinds.py): the same codes.
KIND_MESSAGES: dict[str, str] = {
    "empty_value": "the value is empty: send a value, or reject the field",
    "invalid_name": "a person's name is letters and spaces, family name and given name",
    "invalid_year": "the value is not a year (four digits)",
    "invalid_sex": "the value is not a sex: male or female (Vietnamese: Nam or Nữ)",
    "invalid_cmnd_number": "an old CMND number has exactly 9 digits",
    "invalid_tax_code": "an enterprise code has 10 digits whose check digit holds "
    "(a branch adds -001 to -999)",
    "invalid_number": "the value is not a number",
    "invalid_phone": "a phone number has 9 to 11 digits, starting with 0 or +84",
    "invalid_email": "the value is not an e-mail address",
    "invalid_money": "the value is not an amount of money (digits, thousands separated by dots)",
    "invalid_area": "the value is not an area in square metres",
    "invalid_serial": "a certificate serial is 1 to 3 capitals and 4 to 8 digits (CT 50165768)",
    "invalid_number_symbol": "the value is not a document number and symbol (86/QĐ-UBND)",
    "invalid_mrz": "an MRZ holds capitals, digits and < only",
}
PURPOSE_REQUIRED = "purpose_required"
PURPOSE_TOO_LONG = "purpose_too_long"
INVALID_CURSOR = "invalid_cursor"

MESSAGES: dict[str, str] = {
    INVALID_CHARACTER: "the value holds a character that is not allowed (a NUL byte, a control "
    "character or half a surrogate pair): send plain UTF-8 text",
    VALUE_TOO_LONG: "the value is too long",
    INVALID_DATE: "the value is not a real date: use ISO 8601 (YYYY-MM-DD) or dd/mm/yyyy",
    INVALID_ID_NUMBER: "the value is not a personal ID number: 12 digits beginning with a "
    "province code",
    INVALID_REQUEST: "a parameter or the body is not valid",
    **KIND_MESSAGES,
    PURPOSE_REQUIRED: "reads of personal data need an X-Purpose header saying why",
    PURPOSE_TOO_LONG: "X-Purpose is limited to 500 characters",
    INVALID_CURSOR: "the cursor is not one this API returned for this list",
}

# The HTTP status of each code. 422 (FastAPI's answer to any invalid parameter or body) unless
# listed here: a missing or oversized X-Purpose and a foreign cursor were 400 from the start.
STATUS: dict[str, int] = {PURPOSE_REQUIRED: 400, PURPOSE_TOO_LONG: 400, INVALID_CURSOR: 400}


def status_of(code: str) -> int:
    return STATUS.get(code, 422)


def message_of(code: str, where: str = "") -> str:
    """The code's message, followed by where the value was (`body.value`, `the path` …)."""
    message = MESSAGES.get(code, MESSAGES[INVALID_REQUEST])
    return f"{message} (in {where})" if where else message


def refusal(code: str, where: str = "") -> ApiError:
    """The `ApiError` answering a refused input with `code`."""
    return ApiError(status_of(code), code, message_of(code, where))


# -- invalid characters -------------------------------------------------------------------------

# Body text (reasons, corrections, names) may span lines: tab, LF and CR are text there.
_BAD_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# A header, a path or a query value is one line: every control character is refused there.
_BAD_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_BYTES = re.compile(rb"[\x00-\x1f\x7f]")


def has_invalid_character(text: str, *, one_line: bool = False) -> bool:
    return (_BAD_IN_LINE if one_line else _BAD_IN_TEXT).search(text) is not None


def checked_text(value: str) -> str:
    """A body string, or the pydantic error `invalid_character` (mapped by `from_validation`)."""
    if has_invalid_character(value):
        raise PydanticCustomError(INVALID_CHARACTER, MESSAGES[INVALID_CHARACTER])
    return value


# Every string a request body carries is of this type.
Text = Annotated[str, AfterValidator(checked_text)]


def _invalid_place(scope: Scope) -> str | None:
    """Where the request carries an invalid character outside its body, if it does."""
    if has_invalid_character(scope.get("path", ""), one_line=True):
        return "the path"
    query: bytes = scope.get("query_string", b"")
    if query and _BAD_BYTES.search(unquote_to_bytes(query) if b"%" in query else query):
        return "the query string"
    for _name, value in scope.get("headers", ()):
        if b"\x00" in value:
            return "a header"
    return None


_URLENCODED = b"application/x-www-form-urlencoded"
_MULTIPART = b"multipart/form-data"  # nothing here uploads files: a form's fields only
# A form's text may span lines (a reason typed in a textarea): tab, LF and CR are text there.
_BAD_IN_FORM = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CHECKED_FORM = 1 << 20  # a bigger form is passed on unread (no form here is near it)


def _form_kind(scope: Scope) -> bytes | None:
    """The form encoding of a request's body (urlencoded or multipart), None for anything else."""
    if scope.get("method") not in ("POST", "PUT", "PATCH"):
        return None
    content_type = next((v for k, v in scope.get("headers", ()) if k == b"content-type"), b"")
    kind = content_type.split(b";")[0].strip().lower()
    return kind if kind in (_URLENCODED, _MULTIPART) else None


def _form_text(kind: bytes, body: bytes) -> bytes:
    return unquote_to_bytes(body.replace(b"+", b" ")) if kind == _URLENCODED else body


async def _read_body(receive: Receive) -> tuple[list[Message], bytes]:
    """The request's body messages, and its bytes when no bigger than `MAX_CHECKED_FORM`."""
    messages: list[Message] = []
    size, more = 0, True
    while more:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
        if size > MAX_CHECKED_FORM:
            return messages, b""
    return messages, b"".join(m.get("body", b"") for m in messages)


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that hands over the messages already read, then the rest as they come."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


class RefuseInvalidCharacters:
    """ASGI middleware: a request whose path, query string, header bytes or form fields (the
    review UI's) hold a control character (a NUL most of all: PostgreSQL cannot store one in
    text) is answered 422 `invalid_character` before any route reads it, whatever route it asks
    for. JSON bodies are checked by their models (`Text`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            where = _invalid_place(scope)
            form = _form_kind(scope) if where is None else None
            if form is not None:
                messages, body = await _read_body(receive)
                receive = _replaying(messages, receive)
                if _BAD_IN_FORM.search(_form_text(form, body)):
                    where = "the form"
            if where is not None:
                if _is_review_page(scope):  # a person's form post: a page in Vietnamese
                    from starlette.requests import Request

                    from sohoa.web.review.templating import render_error

                    response = render_error(Request(scope), 422, INVALID_CHARACTER_VI)
                else:
                    response = error_response(refusal(INVALID_CHARACTER, where))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


INVALID_CHARACTER_VI = (
    "Giá trị vừa gửi có ký tự không hợp lệ (ví dụ ký tự NUL hoặc ký tự điều khiển dán từ nơi "
    "khác): không có gì được lưu. Hãy quay lại, gõ lại giá trị rồi gửi."
)


def _is_review_page(scope: Scope) -> bool:
    """A browser's request for a review page (not the review UI's script, which asks for JSON)."""
    if not scope.get("path", "").startswith("/review"):
        return False
    accept = dict(scope.get("headers", ())).get(b"accept", b"")
    return b"text/html" in accept


# -- pydantic's refusals as ours ----------------------------------------------------------------

# pydantic error types -> our codes; any other type is `invalid_request`.
_PYDANTIC_CODES = {
    INVALID_CHARACTER: INVALID_CHARACTER,
    "string_unicode": INVALID_CHARACTER,  # pydantic's own refusal of a lone surrogate
    "string_too_long": VALUE_TOO_LONG,
    "too_long": VALUE_TOO_LONG,
    "date_parsing": INVALID_DATE,
    "date_from_datetime_parsing": INVALID_DATE,
    "date_from_datetime_inexact": INVALID_DATE,
    "date_type": INVALID_DATE,
}


def from_validation(errors: Sequence[Any]) -> ApiError:
    """The `ApiError` for FastAPI's validation errors: the first error decides the code."""
    first = errors[0] if errors else {}
    location = tuple(str(p) for p in first.get("loc", ()))
    where = ".".join(location)
    kind = first.get("type", "")
    if kind == "missing" and tuple(p.lower() for p in location) == ("header", "x-purpose"):
        return refusal(PURPOSE_REQUIRED)
    code = _PYDANTIC_CODES.get(kind)
    if code is not None:
        return refusal(code, where)
    return ApiError(422, INVALID_REQUEST, f"{where}: {first.get('msg', 'invalid input')}")
