"""pywebio_nb.platform.flask: the manual's Flask integration examples on a real server.

The manual's code runs unchanged except for its imports (``pywebio`` ->
``pywebio_nb``) and its last line: instead of ``app.run(...)`` the same Flask app
is served by Werkzeug's threaded server (what ``app.run`` uses) on a free loopback
port. The protocol client plays the page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("flask")

import _http_adapters as scenarios
from werkzeug.serving import make_server

from pywebio_nb.input import input
from pywebio_nb.platform import flask as webio_flask
from pywebio_nb.session import defer_call

# Manual 4.7.2 "Integration with web framework", Flask (the app.run line left out).
INTEGRATION_EXAMPLE = """
from pywebio_nb.platform.flask import webio_view
from flask import Flask

app = Flask(__name__)

# `task_func` is PyWebIO task function
app.add_url_rule('/tool', 'webio_view', webio_view(task_func),
                 methods=['GET', 'POST', 'OPTIONS']) # need GET, POST and OPTIONS methods
"""

# Manual 4.7.3, coroutine-based session integration into Flask (app.run left out).
COROUTINE_EXAMPLE = """
import asyncio
import threading
from flask import Flask, send_from_directory
from pywebio_nb import STATIC_PATH
from pywebio_nb.output import *
from pywebio_nb.platform.flask import webio_view
from pywebio_nb.platform import run_event_loop
from pywebio_nb.session import run_asyncio_coroutine

async def hello_word():
    put_text('Hello ...')
    await run_asyncio_coroutine(asyncio.sleep(1)) # can't just "await asyncio.sleep(1) "
    put_text('... World!')

app = Flask(__name__)
app.add_url_rule('/hello', 'webio_view', webio_view(hello_word),
                  methods=['GET', 'POST', 'OPTIONS'])

# thread to run event loop
threading.Thread(target=run_event_loop, daemon=True).start()
"""


def _serve(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def integration() -> Iterator[str]:
    namespace: dict[str, Any] = {"task_func": scenarios.task_func, "__name__": "integration"}
    exec(INTEGRATION_EXAMPLE, namespace)
    yield from _serve(namespace["app"])


def test_the_page_and_its_frontend(integration: str) -> None:
    scenarios.page_and_frontend(f"{integration}/tool", f"{integration}/_pywebio_nb/page.js")


def test_input_round_trip_callback_and_output(integration: str) -> None:
    scenarios.round_trip_callback_output(f"{integration}/tool")


def test_unknown_sessions_get_410(integration: str) -> None:
    scenarios.unknown_session_gone(f"{integration}/tool")


def test_the_coroutine_example() -> None:
    namespace: dict[str, Any] = {"__name__": "coroutine_example"}
    exec(COROUTINE_EXAMPLE, namespace)
    for base in _serve(namespace["app"]):
        client = scenarios.UrlClient(f"{base}/hello")
        try:
            client.start()
            client.until("close_session")
            assert scenarios._texts(client.commands) == ["Hello ...", "... World!"]
        finally:
            client.close()


@pytest.fixture
def wsgi() -> Iterator[Any]:
    handles: list[Any] = []

    def start(app: Any, **kwargs: Any) -> str:
        handle = webio_flask._start_server_in_thread(app, **kwargs)
        handles.append(handle)
        return handle.url

    yield start
    for handle in handles:
        handle.stop()


def test_wsgi_app_runs_a_coroutine_app(wsgi: Any) -> None:
    scenarios.coroutine_app(wsgi(scenarios.coroutine_task))


def test_origin_refused(wsgi: Any) -> None:
    scenarios.origin_refused(wsgi(scenarios.echo))


def test_allowed_origins_admit_a_pattern(wsgi: Any) -> None:
    url = wsgi(scenarios.echo, allowed_origins=["http://*.example"])
    response = scenarios.fetch(
        url, headers={"webio-session-id": "NEW", "Origin": "http://a.example"}
    )
    assert response.code == 200


def test_a_lost_response_is_sent_again(wsgi: Any) -> None:
    scenarios.lost_response_asked_again(wsgi(scenarios.echo))


def test_a_file_uploaded_in_chunks_and_downloaded(wsgi: Any) -> None:
    scenarios.upload_round_trip(wsgi(scenarios.upload_back))


def test_payload_limit(wsgi: Any) -> None:
    scenarios.payload_limit(wsgi(scenarios.echo, max_payload_size="4K"))


def test_session_expiry(wsgi: Any) -> None:
    deferred = threading.Event()

    def app() -> None:
        defer_call(deferred.set)
        input("x")

    url = wsgi(app, session_expire_seconds=0.2, session_cleanup_interval=0.1)
    scenarios.expiry(url, deferred)


def test_start_server(tmp_path: Any) -> None:
    scenarios.start_server_serves("flask", tmp_path)
