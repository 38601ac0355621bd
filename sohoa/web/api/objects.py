"""Serving the local store's signed links (`LocalStore.link`): the link is the credential, so no
API key is asked. Only originals and derived files (page images) are ever served this way; an S3
store hands out presigned URLs of its own and this route answers 404."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from loaders.models import Document
from sohoa.runtime import Runtime
from sohoa.web.api.common import MAX_INT
from sohoa.web.api.schemas import ErrorResponse
from sohoa.web.errors import ApiError
from sohoa.web.runtime import get_runtime
from storage.errors import InvalidKey, ObjectNotFound
from storage.keys import check_key
from storage.local import LocalStore, verify_link

SERVED_PREFIXES = ("originals/", "derived/")

router = APIRouter(prefix="/objects", tags=["objects"])


@router.get(
    "/{key:path}",
    summary="Download an original or a page image through a signed link",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file"},
        403: {"model": ErrorResponse, "description": "Signature does not match"},
        404: {"model": ErrorResponse, "description": "No such object"},
        410: {"model": ErrorResponse, "description": "The link has expired"},
    },
)
def get_object(
    key: str,
    request: Request,
    expires: Annotated[int, Query(ge=0, le=MAX_INT, description="Unix time the link ends.")],
    sig: Annotated[str, Query(max_length=128, description="The link's signature.")],
) -> StreamingResponse:
    """Use the `original.url` a document read returned; it works for a few minutes."""
    runtime = get_runtime(request)
    store = runtime.store
    not_found = ApiError(404, "object_not_found", "no such object")
    if not isinstance(store, LocalStore) or not key.startswith(SERVED_PREFIXES):
        raise not_found
    try:
        check_key(key)
    except InvalidKey as exc:
        raise not_found from exc
    secret = runtime.settings.effective_secret_key()
    if not verify_link(secret, key, expires, sig, now=expires - 1):
        raise ApiError(403, "invalid_link", "the link's signature does not match")
    if not verify_link(secret, key, expires, sig):
        raise ApiError(410, "link_expired", "the link has expired: read the document again")
    try:
        stream = store.open(key)
    except (ObjectNotFound, InvalidKey) as exc:
        raise not_found from exc
    return StreamingResponse(_chunks(stream), media_type=_media_type(runtime, key))


def _chunks(stream: BinaryIO, size: int = 256 * 1024) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(size):
            yield chunk


def _media_type(runtime: Runtime, key: str) -> str:
    if key.startswith("originals/"):
        with runtime.session() as session:
            stored = session.scalar(
                select(Document.media_type).where(Document.sha256 == key.split("/", 1)[1])
            )
        if stored:
            return stored
    return mimetypes.guess_type(key)[0] or "application/octet-stream"
