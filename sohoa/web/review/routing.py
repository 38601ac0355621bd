"""The route class of every review page: turns sign-in and permission failures into HTML (the
app's own handlers answer in JSON, for the API), re-sends the sliding session cookie, and adds
the security headers an HTML page showing personal data needs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from loaders.errors import NotFound, WarehouseUnavailable
from sohoa.web.review.auth import NotSignedIn, Refused, secret_of
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


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path
    if request.method != "GET" or not target.startswith("/review"):
        target = "/review"
    elif request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"/review/login?next={quote(target, safe='')}", status_code=303)


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
