"""The page over FastAPI (the manual's integration example, mounted at /tool), in Chromium.

The page, its frontend files and lazy chunks load from below the mount point,
the WebSocket opens on the page's own URL, an input is answered and a button's
callback runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from pywebio_nb.input import input
from pywebio_nb.output import put_buttons, put_code, put_text
from pywebio_nb.platform.fastapi import _serve_app_in_thread, webio_routes
from pywebio_nb.platform.tornado import ServerHandle


def task_func() -> None:
    put_buttons(["Greet"], onclick=lambda _: put_text("clicked from FastAPI"))
    name = input("Your name?")
    put_text(f"Hello, {name}")
    put_code("print('lazy chunk')", language="python")  # Prism loads as a lazy chunk


@pytest.fixture
def fastapi_server() -> Iterator[ServerHandle]:
    app = FastAPI()

    @app.get("/app")
    def read_main() -> dict[str, str]:
        return {"message": "Hello World from main app"}

    app.mount("/tool", FastAPI(routes=webio_routes(task_func)))
    server = _serve_app_in_thread(app)
    try:
        yield server
    finally:
        server.stop()


def test_an_input_answered_over_fastapi(page: Any, fastapi_server: ServerHandle) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{fastapi_server.url}tool/")
    field = page.locator("#pywebio-nb-root input[name=data]")
    field.wait_for(timeout=10_000)
    assert page.get_by_text("Your name?").is_visible()
    page.locator("#pywebio-nb-root button", has_text="Greet").click()
    page.get_by_text("clicked from FastAPI").wait_for(timeout=10_000)
    field.fill("Ada")
    page.locator("#pywebio-nb-root button[type=submit]", has_text="Submit").click()
    page.get_by_text("Hello, Ada").wait_for(timeout=10_000)
    page.locator("#pywebio-nb-root pre code .token").first.wait_for(timeout=10_000)
    assert failed == []
    assert page.page_errors == []
