"""The app's runtime (settings, store, database), set once when the app is created."""

from __future__ import annotations

from fastapi import Request

from sohoa.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime
