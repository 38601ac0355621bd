"""A review UI in a real browser for tests: an embedded warehouse, uvicorn on a free port in a
thread, Debian's chromium through Playwright (never `playwright install`), and a signed-in page
that counts its full page loads."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from sohoa.runtime import Runtime
from sohoa.settings import Settings
from sohoa.web.app import create_app
from tests.web.review.helpers import PASSWORD, create_person

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def embedded_runtime(folder: Path, sqlite_template: Path) -> Runtime:
    """A warehouse of its own (a copy of the migrated template) with a steward account."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "warehouse.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        database_url=f"sqlite:///{database}",
        storage_url=f"file://{folder / 'objects'}",
        secret_key="browser-test-secret-0123456789abcdef",
    )
    runtime = Runtime(settings)
    create_person(runtime, "lan.steward", "steward")
    return runtime


@contextmanager
def serving(runtime: Runtime) -> Iterator[str]:
    """uvicorn on 127.0.0.1 and a free port; yields its address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        create_app(runtime), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(reason="Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Steward:
    """A signed-in page; `loads` lists every full page load from now on, `errors` script errors."""

    page: Any
    url: str
    loads: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, document_id: int, query: str = "") -> None:
        self.page.goto(f"{self.url}/review/documents/{document_id}{query}")
        self.page.wait_for_selector("#fields")
        self.loads.clear()

    def selected(self) -> str | None:
        return self.page.locator(".field.selected").get_attribute("data-field")

    def value(self, name: str) -> str:
        return self.page.locator(f"#value-{name}").input_value()


def signed_in(browser: Any, url: str, name: str = "lan.steward") -> Steward:
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{url}/review")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#open-next")
    steward = Steward(page, url)
    page.on("load", lambda p: steward.loads.append(p.url))
    page.on("pageerror", lambda exc: steward.errors.append(str(exc)))
    return steward
