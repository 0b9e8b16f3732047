"""Serve PyWebIO apps with Flask over HTTP polling (``pywebio.platform.flask``).

Needs Flask (``pip install pywebio_nb[flask]``). The view speaks the HTTP
polling protocol of :mod:`pywebio_nb.platform._http_core` (the same as
``tornado_http``), so the page is the same as everywhere else::

    from flask import Flask
    from pywebio_nb.platform.flask import webio_view

    app = Flask(__name__)
    app.add_url_rule('/tool', 'webio_view', webio_view(task_func),
                     methods=['GET', 'POST', 'OPTIONS'])
    app.run(host='localhost', port=80)

Sessions live in this process (a coroutine app on the platform event loop,
see :func:`~pywebio_nb.platform.run_event_loop`; a ``def`` app in its own
thread), so run *one* process, or several behind a load balancer with sticky
sessions (``docs/deploy.md``). A poll waits up to 20 s for output, holding
its worker thread meanwhile: serve with a threaded server (``app.run`` and
:func:`start_server` are; with Gunicorn use ``--threads`` or gevent workers).

The page loads the frontend from ``/_pywebio_nb/``: :func:`wsgi_app` and
:func:`start_server` route it; a :func:`webio_view` in your own app adds that
rule to it the first time it serves a page (unless ``cdn`` is a URL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import flask

from ._http_core import HttpCore, HttpRequest, HttpResponse, handle_blocking
from ._page import STATIC_PATH
from ._wsgi import (
    STATIC_URL_PREFIX,
    WsgiServerHandle,
    closing_sessions,
    polling_core,
    read_event_body,
    serve_wsgi,
    start_wsgi_in_thread,
)

__all__ = ["start_server", "webio_view", "wsgi_app"]

_STATIC_ENDPOINT = "pywebio_nb_static"

_static_lock = threading.Lock()

ViewFunc = Callable[..., flask.Response]


def _static_view(filename: str) -> flask.Response:
    response = flask.send_from_directory(STATIC_PATH, filename)
    if flask.request.args.get("v"):  # versioned URL: cache for long
        response.cache_control.max_age = 31536000
        response.cache_control.public = True
    return response


def _ensure_static_route(app: flask.Flask) -> None:
    """Add the frontend's rule to ``app`` unless it has one.

    Done on the first page request: the view is created before it is bound to
    an app, and Flask forbids ``add_url_rule`` once requests flow, so the rule
    goes straight into the URL map (which is safe to extend at any time).
    """
    if _STATIC_ENDPOINT in app.view_functions:
        return
    with _static_lock:
        if _STATIC_ENDPOINT in app.view_functions:
            return
        rule = app.url_rule_class(
            STATIC_URL_PREFIX + "<path:filename>", endpoint=_STATIC_ENDPOINT, methods=["GET"]
        )
        app.view_functions[_STATIC_ENDPOINT] = _static_view
        app.url_map.add(rule)


def _view(core: HttpCore, cdn: bool | str) -> ViewFunc:
    def view(*args: Any, **kwargs: Any) -> flask.Response:
        request = flask.request
        body = b""
        if request.method == "POST":
            read = read_event_body(core, request.content_length, request.stream.read)
            if isinstance(read, HttpResponse):
                return _response(read)
            body = read
        if request.method == "GET" and not isinstance(cdn, str):
            _ensure_static_route(flask.current_app)
        answer = handle_blocking(
            core,
            HttpRequest(
                method=request.method,
                headers=dict(request.headers.items()),
                query=request.args.to_dict(),
                body=body,
                remote_ip=request.remote_addr or "",
                raw=request._get_current_object(),  # type: ignore[attr-defined]
            ),
        )
        return _response(answer)

    view.pywebio_nb_core = core  # type: ignore[attr-defined]
    return view


def _response(answer: HttpResponse) -> flask.Response:
    # (An unread over-limit body: the WSGI server closes the connection; a WSGI
    # app may not send hop-by-hop headers such as Connection itself.)
    return flask.Response(answer.body, status=answer.status, headers=answer.headers)


def webio_view(
    applications: Any,
    cdn: bool | str = True,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    *,
    max_payload_size: int | str = "200M",
) -> ViewFunc:
    """The Flask view function running ``applications`` over HTTP polling.

    Route it with ``methods=['GET', 'POST', 'OPTIONS']``. The arguments mean
    the same as for :func:`start_server`; ``max_payload_size`` bounds an event
    request's body (413 beyond).
    """
    core = polling_core(
        applications,
        backend="flask",
        cdn=cdn,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        max_payload_size=max_payload_size,
    )
    return _view(core, cdn)


def wsgi_app(
    applications: Any,
    cdn: bool | str = True,
    static_dir: str | None = None,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    max_payload_size: int | str = "200M",
) -> flask.Flask:
    """The Flask app serving ``applications`` at ``/`` (for any WSGI server).

    It also serves the frontend files at ``/_pywebio_nb/`` and, with
    ``static_dir``, that directory at ``/static/``. The arguments mean the
    same as for :func:`start_server`.
    """
    app = flask.Flask(__name__, static_folder=static_dir, static_url_path="/static")
    view = webio_view(
        applications,
        cdn=cdn,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        max_payload_size=max_payload_size,
    )
    app.add_url_rule("/", "webio_view", view, methods=["GET", "POST", "OPTIONS"])
    app.add_url_rule(STATIC_URL_PREFIX + "<path:filename>", _STATIC_ENDPOINT, _static_view)
    app.extensions["pywebio_nb_core"] = view.pywebio_nb_core  # type: ignore[attr-defined]
    return app


def _close_sessions(app: flask.Flask) -> Callable[[], None]:
    core: HttpCore = app.extensions["pywebio_nb_core"]
    return closing_sessions(core)


def start_server(
    applications: Any,
    port: int = 8080,
    host: str = "",
    cdn: bool | str = True,
    static_dir: str | None = None,
    remote_access: bool = False,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    debug: bool = False,
    max_payload_size: int | str = "200M",
    **flask_options: Any,
) -> WsgiServerHandle | None:
    """Serve PyWebIO applications with Flask (HTTP polling); blocks until stopped.

    :param session_expire_seconds: a session that sends no request for this
        long is closed (default 600).
    :param session_cleanup_interval: how often expired sessions are looked
        for, in seconds (default 300).
    :param debug: Flask's debug mode (reloads on code changes).
    :param max_payload_size: largest request body accepted (``'200M'``).
    :param flask_options: passed on to ``flask.Flask.run`` (threaded unless
        you say ``threaded=False``: a poll holds its thread).

    The other arguments mean the same as for
    :func:`pywebio_nb.platform.tornado.start_server`. In a notebook (or with
    ``remote_access``) the server runs in a background thread and its handle
    is returned.
    """
    app = wsgi_app(
        applications,
        cdn=cdn,
        static_dir=static_dir,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        max_payload_size=max_payload_size,
    )
    flask_options.setdefault("threaded", True)

    def run() -> None:
        app.run(host=host or "0.0.0.0", port=port, debug=debug, **flask_options)

    return serve_wsgi(
        app,
        host=host,
        port=port,
        remote_access=remote_access,
        on_shutdown=_close_sessions(app),
        run=run,
    )


def _start_server_in_thread(
    applications: Any, *, host: str = "127.0.0.1", port: int = 0, **kwargs: Any
) -> WsgiServerHandle:
    """A Flask server (:func:`wsgi_app`) in a daemon thread (tests, benchmarks)."""
    app = wsgi_app(applications, **kwargs)
    return start_wsgi_in_thread(app, host=host, port=port, on_shutdown=_close_sessions(app))
