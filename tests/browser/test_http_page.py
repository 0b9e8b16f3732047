"""The BMI app under tornado_http (HTTP polling, no WebSocket) in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from examples.bmi import bmi
from pywebio_nb.platform import tornado_http
from pywebio_nb.platform._server import ServerHandle


@pytest.fixture
def http_server() -> Iterator[ServerHandle]:
    handle = tornado_http._start_server_in_thread(bmi)
    yield handle
    handle.stop()


def test_bmi_over_http_polling(page: Any, http_server: ServerHandle) -> None:
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(http_server.url)
    height = page.locator("#pywebio-nb-root input[name=data]")
    height.wait_for(timeout=10_000)
    height.fill("170")
    page.locator("#pywebio-nb-root button[type=submit]", has_text="Submit").click()
    page.get_by_text("Input your weight(kg)").wait_for(timeout=10_000)
    weight = page.locator("#pywebio-nb-root input[name=data]")
    weight.fill("60")
    page.locator("#pywebio-nb-root button[type=submit]", has_text="Submit").click()
    page.get_by_text("Your BMI: 20.8. Category: Normal").wait_for(timeout=10_000)
    assert sockets == []  # it really spoke HTTP
    assert page.page_errors == []
