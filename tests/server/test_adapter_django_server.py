"""pywebio_nb.platform.django: the manual's Django integration example on a real server.

The manual's ``urls.py`` runs unchanged except for its imports (``pywebio`` ->
``pywebio_nb``); its ``urlpatterns`` route the requests of a threaded WSGI server
(as ``runserver``) on a free loopback port. ``wsgi_app`` covers the parameters.
The protocol client plays the page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("django")

import _http_adapters as scenarios
from django.core.handlers.wsgi import WSGIHandler

from pywebio_nb.input import input
from pywebio_nb.platform import django as webio_django
from pywebio_nb.platform._wsgi import start_wsgi_in_thread
from pywebio_nb.session import defer_call

# Manual 4.7.2 "Integration with web framework", Django.
URLS_PY = """
# urls.py

from django.urls import path
from pywebio_nb.platform.django import webio_view

# `task_func` is PyWebIO task function
webio_view_func = webio_view(task_func)

urlpatterns = [
    path(r"tool", webio_view_func),
]
"""


@pytest.fixture(scope="module")
def integration() -> Iterator[str]:
    namespace: dict[str, Any] = {"task_func": scenarios.task_func}
    exec(URLS_PY, namespace)
    webio_django._configure(False, {})  # the settings a project would have
    urlconf = webio_django._urlconf(namespace["urlpatterns"])
    handler = WSGIHandler()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        environ["pywebio_nb.urlconf"] = urlconf  # as ROOT_URLCONF = "urls"
        return handler(environ, start_response)

    server = start_wsgi_in_thread(app)
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()


def test_the_page_and_its_frontend(integration: str) -> None:
    scenarios.page_and_frontend(f"{integration}/tool", f"{integration}/_pywebio_nb/page.js")


def test_input_round_trip_callback_and_output(integration: str) -> None:
    scenarios.round_trip_callback_output(f"{integration}/tool")


def test_unknown_sessions_get_410(integration: str) -> None:
    scenarios.unknown_session_gone(f"{integration}/tool")


@pytest.fixture
def wsgi() -> Iterator[Any]:
    handles: list[Any] = []

    def start(app: Any, **kwargs: Any) -> str:
        handle = webio_django._start_server_in_thread(app, **kwargs)
        handles.append(handle)
        return handle.url

    yield start
    for handle in handles:
        handle.stop()


def test_wsgi_app_runs_a_coroutine_app(wsgi: Any) -> None:
    scenarios.coroutine_app(wsgi(scenarios.coroutine_task))


def test_origin_refused(wsgi: Any) -> None:
    scenarios.origin_refused(wsgi(scenarios.echo))


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


def test_session_info_names_django(wsgi: Any) -> None:
    from pywebio_nb.output import put_text
    from pywebio_nb.session import info

    def app() -> None:
        put_text(f"{info.backend} {info.protocol} {type(info.request).__name__}")
        input("x")

    client = scenarios.UrlClient(wsgi(app))
    try:
        client.start()
        client.until("input_group")
        assert scenarios._texts(client.commands) == ["django http WSGIRequest"]
    finally:
        client.close()


def test_start_server(tmp_path: Any) -> None:
    scenarios.start_server_serves("django", tmp_path)
