"""The manual's Flask integration example in Chromium: HTTP polling through Flask.

``app.add_url_rule('/tool', 'webio_view', webio_view(task_func), ...)`` as the manual
writes it, served by Werkzeug's threaded server (what ``app.run`` uses): the page
loads its frontend through the rule the view adds, speaks HTTP (no WebSocket), an
input is answered and a button's callback writes output.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("flask")

from flask import Flask
from werkzeug.serving import make_server

from pywebio_nb.input import input
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.platform.flask import webio_view


def task_func() -> None:
    name = input("Your name")
    put_text(f"Hello, {name}")
    put_buttons(["Wave"], onclick=lambda _: put_text(f"{name} waves"))


@pytest.fixture
def flask_url() -> Iterator[str]:
    app = Flask(__name__)
    app.add_url_rule(
        "/tool", "webio_view", webio_view(task_func), methods=["GET", "POST", "OPTIONS"]
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/tool"
    server.shutdown()
    server.server_close()
    thread.join(10)


def test_an_input_answered_over_flask(page: Any, flask_url: str) -> None:
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(flask_url)
    field = page.locator("#pywebio-nb-root input[name=data]")
    field.wait_for(timeout=10_000)
    field.fill("Ada")
    page.locator("#pywebio-nb-root button[type=submit]", has_text="Submit").click()
    page.get_by_text("Hello, Ada").wait_for(timeout=10_000)
    page.locator("#pywebio-nb-root button", has_text="Wave").click()
    page.get_by_text("Ada waves").wait_for(timeout=10_000)
    assert sockets == []  # it really spoke HTTP
    assert page.page_errors == []
