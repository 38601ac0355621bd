"""The steward review UI, server-rendered under /review: sign-in, the queue, the document page
(scan with word boxes beside the fields), identity questions, history and admin undo.

Jinja2 templates in `templates/`, a little plain JavaScript and CSS in `static/`; no front-end
build. Sessions are signed cookies (`session`), every form carries a CSRF token (`csrf`), every
page needs the steward role (`auth`).
"""

from __future__ import annotations

from fastapi import APIRouter

from sohoa.web.review import (
    routes_actions,
    routes_auth,
    routes_document,
    routes_queue,
    routes_static,
)
from sohoa.web.review.routing import ReviewRoute

router = APIRouter(prefix="/review", include_in_schema=False)
# The queue lives at /review itself (a sub-router cannot have an empty prefix and path).
router.add_api_route("", routes_queue.queue_page, methods=["GET"], route_class_override=ReviewRoute)
for _module in (routes_static, routes_auth, routes_queue, routes_document, routes_actions):
    router.include_router(_module.router)
