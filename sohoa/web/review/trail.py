"""Where a steward has been in this session, so "next", "previous" and "later" behave.

A small signed cookie beside the session cookie holds, for the session it belongs to (by the
session's digest: a new sign-in starts a new trail), the documents opened in order (`opened`)
and the documents deferred (`later`). "Next" skips deferred documents and offers documents
already opened only once no other is left (`loaders.review_queue.next_in_queue`); "previous"
goes back along `opened`. Only document ids travel, never a value; the steward's own browser
keeps it, and it ends with the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

from loaders.review_queue import QueueFilters, Scopes, next_in_queue
from sohoa.web.review.session import ABSOLUTE_SECONDS, COOKIE_PATH
from sohoa.web.runtime import get_runtime

COOKIE = "sohoa_review_trail"
_SALT = "sohoa.review.trail.v1"
KEEP = 100  # ids kept per list (about 700 bytes each), the oldest dropped first


@dataclass(frozen=True)
class Trail:
    session: str = ""  # the first characters of the review session's digest
    opened: tuple[int, ...] = field(default_factory=tuple)  # oldest first, each id once
    later: tuple[int, ...] = field(default_factory=tuple)

    def visit(self, document_id: int) -> Trail:
        """`document_id` opened now: it moves to the end of `opened`."""
        kept = tuple(d for d in self.opened if d != document_id)
        return replace(self, opened=(*kept, document_id)[-KEEP:])

    def previous(self, document_id: int) -> int | None:
        """The document opened before `document_id` (the last one opened when it is not in
        the trail)."""
        if document_id not in self.opened:
            return self.opened[-1] if self.opened else None
        place = self.opened.index(document_id)
        return self.opened[place - 1] if place > 0 else None

    def defer(self, document_id: int) -> Trail:
        kept = tuple(d for d in self.later if d != document_id)
        return replace(self, later=(*kept, document_id)[-KEEP:])

    def undefer(self) -> Trail:
        return replace(self, later=())


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)


def _owner(request: Request) -> str:
    session = getattr(request.state, "review_session", None)
    return session.digest[:16] if session is not None else ""


def read(request: Request, secret: str) -> Trail:
    """This session's trail; an empty one when there is none, it is not valid, or it belongs
    to another session."""
    owner = _owner(request)
    value = request.cookies.get(COOKIE)
    if not owner or not value:
        return Trail(owner)
    try:
        data = _serializer(secret).loads(value)
        trail = Trail(
            str(data["s"]),
            tuple(int(d) for d in data["o"])[-KEEP:],
            tuple(int(d) for d in data["l"])[-KEEP:],
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        return Trail(owner)
    return trail if trail.session == owner else Trail(owner)


def next_document(
    request: Request, scopes: Scopes, filters: QueueFilters, trail: Trail, exclude: list[int]
) -> int | None:
    """The document the steward goes to next in the filtered queue (shortcut n, after a decision,
    after "later"): none deferred in `trail`, the ones already opened only once no other is left."""
    runtime = get_runtime(request)
    with runtime.session() as db:
        return next_in_queue(
            db,
            filters,
            threshold=runtime.settings.review_threshold,
            scopes=scopes,
            exclude=exclude,
            later=trail.later,
            seen=trail.opened,
        )


def write(request: Request, response: Response, secret: str, trail: Trail) -> None:
    value = _serializer(secret).dumps({"s": trail.session, "o": trail.opened, "l": trail.later})
    response.set_cookie(
        COOKIE,
        value,
        max_age=ABSOLUTE_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
