"""The API's own documents work without internet: `/docs` loads Swagger UI from the server itself
(the files PyPI's `swagger-ui-bundle-v2` ships), never from a CDN, and the OpenAPI document says
what the API does: `X-Purpose` is required wherever a call without it answers 400."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi.testclient import TestClient

from sohoa.runtime import Runtime
from sohoa.web.app import create_app
from tests.conftest import REPO
from tests.web.api.test_access import ENDPOINTS
from tests.web.conftest import Keys

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def dialect() -> str:
    """The documents do not depend on the database: SQLite only."""
    return "sqlite"


def _references(html: str) -> list[str]:
    """Every URL the page loads or points the UI at: src/href attributes and the spec's url."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    found += re.findall(r"""\burl\s*:\s*['"]([^'"]+)['"]""", html)
    return found


def test_the_docs_page_loads_only_local_files(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    references = _references(page.text)
    assert any(r.endswith(".js") for r in references) and any(
        r.endswith(".css") for r in references
    )
    for url in references:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"/docs loads {url} from elsewhere"
        served = client.get(url)
        assert served.status_code == 200, url
    kinds = {url.rsplit(".", 1)[-1]: client.get(url).headers["content-type"] for url in references}
    assert kinds["js"].startswith(("text/javascript", "application/javascript"))
    assert kinds["css"].startswith("text/css")
    assert "http://" not in page.text and "https://" not in page.text


def test_only_the_swagger_ui_files_are_served(client: TestClient) -> None:
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    for name in ("index.html", "swagger-initializer.js", "..%2F__init__.py", "nothing.js"):
        assert client.get(f"/docs/assets/{name}").status_code == 404, name
    assert client.get("/docs/oauth2-redirect").status_code == 200
    # ReDoc would load from a CDN: not offered rather than blank
    assert client.get("/redoc").status_code == 404


def test_x_purpose_is_required_exactly_where_reads_need_it(client: TestClient, keys: Keys) -> None:
    schema = client.get("/openapi.json").json()
    for method, path, _, needs_purpose, _ in ENDPOINTS:
        template = path.replace("{doc}", "{document_id}")
        template = re.sub(r"/v1/subjects/\d+", "/v1/subjects/{subject_id}", template)
        template = re.sub(r"/procedures/[^/]+$", "/procedures/{code}", template)
        template = template.replace("/fields/full_name/", "/fields/{name}/")
        operation = schema["paths"][template][method.lower()]
        purpose = [p for p in operation.get("parameters", []) if p["name"].lower() == "x-purpose"]
        if needs_purpose:
            assert purpose and purpose[0]["in"] == "header", (method, template)
            assert purpose[0]["required"] is True, (method, template)
        else:
            assert not purpose, (method, template)


def test_a_missing_purpose_is_still_400_purpose_required(client: TestClient, keys: Keys) -> None:
    """The header being required in the document does not change the answer's code."""
    headers = keys.headers(purpose=False)
    response = client.get("/v1/subjects/001099012345/documents", headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "purpose_required"


# -- in a browser with no way out --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(runtime: Runtime) -> Iterator[str]:
    port = _free_port()
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
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.browser
def test_the_docs_render_in_a_browser_that_cannot_reach_the_internet(served: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip(reason="Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    errors: list[str] = []

    def only_local(route, request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(served):
            route.continue_()
        else:  # what a machine without internet would get
            outside.append(request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", only_local)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{served}/docs")
            page.wait_for_selector(".swagger-ui .info .title:has-text('sohoa reuse API')")
            summary = page.locator(
                ".opblock-summary-path[data-path='/v1/subjects/{subject_id}/documents']"
            )
            summary.click()
            purpose = page.locator("tr[data-param-name='X-Purpose']")
            purpose.wait_for()
            assert purpose.locator(".parameter__name.required").count() == 1
            artifacts = REPO / "test-artifacts"
            artifacts.mkdir(exist_ok=True)
            page.screenshot(path=str(artifacts / "api-docs.png"), full_page=False)
        finally:
            browser.close()
    assert outside == []
    assert errors == []
