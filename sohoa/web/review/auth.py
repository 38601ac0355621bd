"""Who is reviewing: the signed-in person behind the session cookie, with the steward role.

The cookie's session must still be open on the server (`loaders.principals`): one statement
reads it with the account, its role and whether it is disabled.

API keys are not sessions: a request carrying only a key is treated as not signed in. Readers
(and anyone whose role was lowered) are refused with 403; admins may do everything a steward
does, plus undo. Failures are raised as `NotSignedIn` / `Refused`, which `routing.ReviewRoute`
turns into a redirect to the sign-in page or an HTML error page.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

from loaders import principals, reads
from loaders.review_detail import DocumentDetail
from loaders.review_queue import Scopes
from sohoa.auth.roles import Role
from sohoa.web.review import csrf
from sohoa.web.review.session import COOKIE, ReviewSession, decode, now, touched
from sohoa.web.runtime import get_runtime


class NotSignedIn(Exception):
    """No valid session (absent, tampered with, expired, ended on the server, or its account
    disabled)."""


class Refused(Exception):
    """The request is understood but not allowed; `message` is Vietnamese, for the page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


NOT_A_STEWARD = (
    "Tài khoản của bạn không có quyền xác minh dữ liệu. Trang này chỉ dành cho biên tập viên "
    "dữ liệu (steward) và quản trị viên."
)
NOT_AN_ADMIN = "Chỉ quản trị viên mới được hoàn tác (mở lại tài liệu, hủy liên kết định danh)."
SIGNED_OUT = (
    "Phiên làm việc đã hết hạn hoặc đã kết thúc. Hãy đăng nhập lại: bạn sẽ quay về đúng trang "
    "đang làm, giá trị đang nhập dở vẫn được giữ (chưa lưu)."
)
READ_PURPOSE = "Xác minh dữ liệu số hóa (giao diện xác minh)"
BAD_FORM = (
    "Biểu mẫu không hợp lệ hoặc phiên làm việc đã thay đổi. Hãy tải lại trang rồi thực hiện lại."
)


@dataclass(frozen=True)
class Reviewer:
    id: int
    name: str
    role: Role
    scopes: Scopes
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.role.allows(Role.ADMIN)


def secret_of(request: Request) -> str:
    return get_runtime(request).settings.effective_secret_key()


def current_reviewer(request: Request) -> Reviewer:
    """The steward (or admin) of this request; a dependency of every review page."""
    session = decode(secret_of(request), request.cookies.get(COOKIE))
    if session is None:
        raise NotSignedIn
    with get_runtime(request).session() as db:
        row = principals.review_session_owner(db, session.digest, now())
        if row is None or row.kind != principals.PERSON or row.disabled:
            raise NotSignedIn
        reviewer = Reviewer(
            row.id, row.name, Role(row.role), Scopes.from_dict(row.scopes), session.csrf
        )
    request.state.review_session = session
    request.state.reviewer = reviewer
    if not reviewer.role.allows(Role.STEWARD):
        raise Refused(403, NOT_A_STEWARD)
    request.state.review_session_out = touched(session)
    return reviewer


def current_admin(request: Request) -> Reviewer:
    reviewer = current_reviewer(request)
    if not reviewer.is_admin:
        raise Refused(403, NOT_AN_ADMIN)
    return reviewer


async def checked_form(request: Request, reviewer: Reviewer) -> dict[str, str]:
    """The POSTed form, once its CSRF token matched the session's; text fields only."""
    form = await request.form()
    if not csrf.same(reviewer.csrf, _text(form.get(csrf.FIELD))):
        raise Refused(403, BAD_FORM)
    return {key: _text(value) for key, value in form.items()}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def session_of(request: Request) -> ReviewSession | None:
    return getattr(request.state, "review_session", None)


def audit_page_read(db: Session, reviewer: Reviewer, detail: DocumentDetail) -> None:
    """The page shows personal data: a read of every subject on it (linked, or a person it may
    be), audited like an API read, in the read's transaction (`loaders.reads`)."""
    shown = [s.public_id for _, s in detail.links] + [
        c.subject.public_id for c in detail.candidates
    ]
    if not reads.record_read(
        db,
        "review_document",
        principal_id=reviewer.id,
        purpose=READ_PURPOSE,
        subject_public_ids=shown,
        document_id=detail.document.id,
        detail={"via": "review_ui"},
    ):
        raise NotSignedIn  # disabled since the session was checked: nothing is shown
