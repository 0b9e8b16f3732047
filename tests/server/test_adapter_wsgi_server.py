"""The HTTP-polling WSGI adapters (Flask, Django) on a real server, each case once per framework.

The manual's integration examples (4.7.2) run unchanged except for their
imports (``pywebio`` -> ``pywebio_nb``) and Flask's last line: instead of
``app.run(...)`` the Flask app is served by Werkzeug's threaded server (what
``app.run`` uses), and Django's ``urlpatterns`` route the requests of a
threaded WSGI server (as ``runserver``), each on a free loopback port.
``wsgi_app`` (through ``_start_server_in_thread``) covers the parameters and
``start_server`` runs as a user runs it. The protocol client plays the page;
the scenarios are in ``_http_adapters``. Flask's coroutine example (4.7.3) is
in ``test_adapter_flask_server.py``.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Callable, Iterator
from typing import Any

import _http_adapters as scenarios
import pytest

from pywebio_nb.input import input
from pywebio_nb.output import put_text
from pywebio_nb.session import defer_call, info

# Manual 4.7.2 "Integration with web framework", Flask (the app.run line left out).
FLASK_EXAMPLE = """
from pywebio_nb.platform.flask import webio_view
from flask import Flask

app = Flask(__name__)

# `task_func` is PyWebIO task function
app.add_url_rule('/tool', 'webio_view', webio_view(task_func),
                 methods=['GET', 'POST', 'OPTIONS']) # need GET, POST and OPTIONS methods
"""

# Manual 4.7.2 "Integration with web framework", Django.
DJANGO_URLS_PY = """
# urls.py

from django.urls import path
from pywebio_nb.platform.django import webio_view

# `task_func` is PyWebIO task function
webio_view_func = webio_view(task_func)

urlpatterns = [
    path(r"tool", webio_view_func),
]
"""


def _serve_flask_example() -> Iterator[str]:
    namespace: dict[str, Any] = {"task_func": scenarios.task_func, "__name__": "integration"}
    exec(FLASK_EXAMPLE, namespace)
    yield from scenarios.serve_with_werkzeug(namespace["app"])


def _serve_django_example() -> Iterator[str]:
    from django.core.handlers.wsgi import WSGIHandler

    from pywebio_nb.platform import django as webio_django
    from pywebio_nb.platform._wsgi import start_wsgi_in_thread

    namespace: dict[str, Any] = {"task_func": scenarios.task_func}
    exec(DJANGO_URLS_PY, namespace)
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


def _needs(module: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(importlib.util.find_spec(module) is None, reason=f"needs {module}")


ADAPTERS = [
    pytest.param("flask", marks=_needs("flask"), id="flask"),
    pytest.param("django", marks=_needs("django"), id="django"),
]
EXAMPLES: dict[str, Callable[[], Iterator[str]]] = {
    "flask": _serve_flask_example,
    "django": _serve_django_example,
}


@pytest.fixture(scope="module", params=ADAPTERS)
def integration(request: pytest.FixtureRequest) -> Iterator[str]:
    """The base URL of the manual's integration example of one framework (app at /tool)."""
    yield from EXAMPLES[request.param]()


def test_the_page_and_its_frontend(integration: str) -> None:
    scenarios.page_and_frontend(f"{integration}/tool", f"{integration}/_pywebio_nb/page.js")


def test_input_round_trip_callback_and_output(integration: str) -> None:
    scenarios.round_trip_callback_output(f"{integration}/tool")


def test_unknown_sessions_get_410(integration: str) -> None:
    scenarios.unknown_session_gone(f"{integration}/tool")


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def wsgi(adapter: str) -> Iterator[Callable[..., str]]:
    """``wsgi(app, **wsgi_app_kwargs)`` -> the URL of the adapter's ``wsgi_app`` serving it."""
    module = importlib.import_module(f"pywebio_nb.platform.{adapter}")
    handles: list[Any] = []

    def start(app: Any, **kwargs: Any) -> str:
        handle = module._start_server_in_thread(app, **kwargs)
        handles.append(handle)
        return str(handle.url)

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


def test_stopping_the_server_closes_its_sessions(adapter: str) -> None:
    """``stop()`` ends the sessions: a pending input() raises, defer_call runs."""
    module = importlib.import_module(f"pywebio_nb.platform.{adapter}")
    deferred = threading.Event()

    def app() -> None:
        defer_call(deferred.set)
        input("x")

    handle = module._start_server_in_thread(app)
    try:
        client = scenarios.UrlClient(handle.url)
        try:
            client.start()
            client.until("input_group")
        finally:
            client.close()
        assert not deferred.is_set()
    finally:
        handle.stop()
    assert deferred.wait(scenarios.TIMEOUT), "stop() left the session open"


REQUEST_TYPES = {"flask": "Request", "django": "WSGIRequest"}


def test_session_info_names_the_framework(wsgi: Any, adapter: str) -> None:
    def app() -> None:
        put_text(f"{info.backend} {info.protocol} {type(info.request).__name__}")
        input("x")

    client = scenarios.UrlClient(wsgi(app))
    try:
        client.start()
        client.until("input_group")
        assert scenarios._texts(client.commands) == [f"{adapter} http {REQUEST_TYPES[adapter]}"]
    finally:
        client.close()


def test_start_server(adapter: str, tmp_path: Any) -> None:
    scenarios.start_server_serves(adapter, tmp_path)
