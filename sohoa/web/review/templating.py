"""Jinja2 for the review pages: autoescaped, Vietnamese formatting of dates and numbers, and the
label tables as filters so templates never show a raw English code to a steward."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from extractors import kinds
from loaders.field_checks import kind_of
from sohoa.web.review import labels

TEMPLATES = Path(__file__).parent / "templates"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_time(value: datetime | None) -> str:
    """A stored UTC time as a person in Vietnam reads it."""
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def local_date(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def field_value(value: str | None, name: str | None, doc_type: str) -> str:
    """A stored value of field `name` as a Vietnamese reader expects it (dd/mm/yyyy, Nam/Nữ)."""
    return kinds.display(kind_of(doc_type, name), value) if name else (value or "")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        local_time=local_time,
        local_date=local_date,
        percent=percent,
        field_value=field_value,
        doc_type=labels.doc_type_label,
        field_label=labels.field_label,
        doc_status=lambda v: labels.label(labels.DOCUMENT_STATUS, v),
        field_status=lambda v: labels.label(labels.FIELD_STATUS, v),
        state=lambda v: labels.label(labels.STATES, v),
        reason=lambda v: labels.label(labels.REASONS, v),
        action=lambda v: labels.label(labels.ACTIONS, v),
        role=labels.role_label,
        evidence=lambda v: labels.label(labels.EVIDENCE, v),
        attribute=lambda v: labels.ATTRIBUTES.get(v) or labels.field_label(v),
        account_role=lambda v: labels.label(labels.ACCOUNT_ROLES, v),
        province=lambda v: f"{v} — {labels.PROVINCES[v]}" if v in labels.PROVINCES else (v or ""),
    )
    return env


ENV = _environment()


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    html = ENV.get_template(name).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)


def render_fragment(name: str, context: dict[str, Any]) -> str:
    """A part of a page (the document's panel), for an in-place update."""
    return ENV.get_template(name).render(**context)


def render_error(request: Request, status_code: int, message: str) -> HTMLResponse:
    reviewer = getattr(request.state, "reviewer", None)
    return render(
        request,
        "error.html",
        {"status": status_code, "message": message, "reviewer": reviewer},
        status_code,
    )
