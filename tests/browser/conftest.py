"""Real-browser fixtures: Playwright driving Debian's /usr/bin/chromium.

A failing test leaves a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("PYWEBIO_NB_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
STATIC = pathlib.Path(__file__).resolve().parents[2] / "pywebio_nb" / "static"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    report = yield
    if report.when == "call":
        item.stash.setdefault(_failed_key, report.failed)  # type: ignore[arg-type]
        if report.failed:
            item.stash[_failed_key] = True
    return report


_failed_key = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.page_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        if request.node.stash.get(_failed_key, False):
            ARTIFACTS.mkdir(exist_ok=True)
            name = request.node.nodeid.replace("/", "_").replace(":", "_")
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except Exception as exc:  # the page may be gone
                print(f"screenshot failed: {exc}")
        context.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., Any]]:
    """``serve(app, **options)`` starts ``app`` on a loopback server page and returns its
    ``ServerHandle``; every server started is stopped after the test. ``options`` go to
    the server (e.g. ``max_payload_size``)."""
    if not (STATIC / "page.js").exists():
        pytest.fail("pywebio_nb/static/page.js is missing: cd js && npm install && npm run build")
    from pywebio_nb.platform.tornado import ServerHandle, _start_server_in_thread

    servers: list[ServerHandle] = []

    def start(app: Callable[[], None], **options: Any) -> ServerHandle:
        server = _start_server_in_thread(app, host="127.0.0.1", **options)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()
