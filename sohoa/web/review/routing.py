"""The route class of every review page: turns sign-in and permission failures into HTML (the
app's own handlers answer in JSON, for the API), re-sends the sliding session cookie, and adds
the security headers an HTML page showing personal data needs.

A request without a live session is sent to sign in with a way back (`way_back`): the page it
asked for, or, for a form posted from a document, that document with the field selected and
`draft=<field>`, so the page puts back what the steward had typed (review.js keeps it in
sessionStorage at submit; nothing is saved until they submit again). A request that asks for
JSON (fetch) or comes from htmx gets a 401 with the same way back instead of a redirect."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute

from loaders.errors import NotFound, WarehouseUnavailable
from sohoa.web.review.auth import SIGNED_OUT, NotSignedIn, Refused, secret_of
from sohoa.web.review.session import COOKIE, clear_cookie, write_cookie
from sohoa.web.review.templating import render_error

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


_DOCUMENT_FORM = re.compile(
    r"^/review/documents/(\d{1,10})(?:/fields/([a-z][a-z0-9_]{0,63}))?(?:/|$)"
)


def way_back(request: Request) -> str:
    """Where to land after signing in; always a path of the review UI, built from what the
    route matched (never from a header or a parameter a link could set)."""
    path = request.url.path
    if request.method == "GET":
        if not path.startswith("/review"):
            return "/review"
        return path + (f"?{request.url.query}" if request.url.query else "")
    posted_from = _DOCUMENT_FORM.match(path)
    if posted_from is None:
        return "/review"
    document_id, field_name = posted_from.groups()
    back = f"/review/documents/{document_id}"
    return back + (f"?sel={field_name}&draft={field_name}" if field_name else "")


def wants_json(request: Request) -> bool:
    """A request from review.js (fetch) or htmx: it is answered in JSON, never redirected."""
    accept = request.headers.get("accept", "")
    return "HX-Request" in request.headers or (
        "application/json" in accept and "text/html" not in accept
    )


def login_redirect(request: Request) -> Response:
    back = way_back(request)
    query = {"next": back, **({"ended": "1"} if request.cookies.get(COOKIE) else {})}
    login_url = f"/review/login?{urlencode(query)}"
    if wants_json(request):
        body = {
            "code": "session_expired",
            "message": SIGNED_OUT,
            "login_url": login_url,
            "return_to": back,
        }
        return JSONResponse(body, status_code=401, headers={"HX-Redirect": login_url})
    return RedirectResponse(login_url, status_code=303)


class ReviewRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def review_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except NotSignedIn:
                response = login_redirect(request)
                if request.cookies.get(COOKIE):
                    clear_cookie(request, response)
            except Refused as exc:
                response = render_error(request, exc.status, exc.message)
            except NotFound:
                response = render_error(request, 404, "Không tìm thấy tài liệu hoặc trang này.")
            except WarehouseUnavailable:
                log.warning("warehouse unavailable while serving %s", request.url.path)
                response = render_error(
                    request, 503, "Cơ sở dữ liệu tạm thời không truy cập được. Hãy thử lại sau."
                )
            refreshed = getattr(request.state, "review_session_out", None)
            if refreshed is not None and "set-cookie" not in response.headers:
                write_cookie(request, response, secret_of(request), refreshed)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            if response.media_type != "image/png" and "cache-control" not in response.headers:
                response.headers["Cache-Control"] = "no-store"
            return response

        return review_handler
