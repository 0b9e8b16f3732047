"""Serve PyWebIO apps with Django over HTTP polling (``pywebio.platform.django``).

Needs Django >= 4.2 (``pip install pywebio_nb[django]``). In your project::

    # urls.py
    from django.urls import path
    from pywebio_nb.platform.django import webio_view

    webio_view_func = webio_view(task_func)
    urlpatterns = [path(r"tool", webio_view_func)]

The view speaks the HTTP polling protocol of
:mod:`pywebio_nb.platform._http_core` (as ``tornado_http`` and Flask do) and
is exempt from Django's CSRF check: the session id header is the
capability, and cross-origin requests are refused by the origin check. The
page loads the frontend from ``/_pywebio_nb/``: :func:`wsgi_app` and
:func:`start_server` route it; a :func:`webio_view` in your project appends
:func:`static_urlpatterns` to the URL patterns serving it the first time it
serves a page, unless they route that prefix already or ``cdn`` is a URL
(add ``*static_urlpatterns()`` yourself to make it explicit).

Sessions live in this process and a poll holds its worker thread for up to
20 s: run one threaded process (``runserver`` and :func:`start_server` are),
or several behind sticky sessions (``docs/deploy.md``).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import django
import django.conf
import django.http
import django.urls
import django.views.static
from django.core.handlers.wsgi import WSGIHandler

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

__all__ = ["start_server", "static_urlpatterns", "webio_view", "wsgi_app"]

#: WSGI environ key through which :func:`wsgi_app` picks its URL patterns.
_URLCONF_KEY = "pywebio_nb.urlconf"

ViewFunc = Callable[..., django.http.HttpResponse]

_static_lock = threading.Lock()


def _response(answer: HttpResponse) -> django.http.HttpResponse:
    response = django.http.HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response


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
    """The Django view function running ``applications`` over HTTP polling.

    The arguments mean the same as for :func:`start_server`;
    ``max_payload_size`` bounds an event request's body (413 beyond).
    """
    core = polling_core(
        applications,
        backend="django",
        cdn=cdn,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        max_payload_size=max_payload_size,
    )

    def view(request: django.http.HttpRequest, *args: Any, **kwargs: Any) -> Any:
        body = b""
        if request.method == "GET" and not isinstance(cdn, str):
            _ensure_static_route(getattr(request, "urlconf", None))
        if request.method == "POST":
            length = request.META.get("CONTENT_LENGTH")
            # request.read, not request.body: no copy, and Django's own
            # DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) does not apply to our events.
            read = read_event_body(
                core, int(length) if length and str(length).isdigit() else None, request.read
            )
            if isinstance(read, HttpResponse):
                return _response(read)
            body = read
        answer = handle_blocking(
            core,
            HttpRequest(
                method=request.method or "GET",
                headers=dict(request.headers.items()),
                query={key: request.GET[key] for key in request.GET},
                body=body,
                remote_ip=str(request.META.get("REMOTE_ADDR", "")),
                raw=request,
            ),
        )
        return _response(answer)

    # What django.views.decorators.csrf.csrf_exempt sets (CsrfViewMiddleware reads it).
    view.csrf_exempt = True  # type: ignore[attr-defined]
    view.pywebio_nb_core = core  # type: ignore[attr-defined]
    return view


def static_urlpatterns(prefix: str = STATIC_URL_PREFIX) -> list[Any]:
    """The URL pattern serving pywebio_nb's frontend files under ``prefix``."""
    route = prefix.lstrip("/") + "<path:path>"
    return [
        django.urls.path(route, django.views.static.serve, {"document_root": STATIC_PATH}),
    ]


def _ensure_static_route(urlconf: Any) -> None:
    """Append :func:`static_urlpatterns` to the patterns serving this request if missing.

    Django resolves every request by walking the pattern list anew, so an
    appended pattern takes effect at once.
    """
    probe = STATIC_URL_PREFIX + "page.js"
    try:
        django.urls.resolve(probe, urlconf)
        return
    except django.urls.Resolver404:
        pass
    with _static_lock:
        try:
            django.urls.resolve(probe, urlconf)
        except django.urls.Resolver404:
            django.urls.get_resolver(urlconf).url_patterns.extend(static_urlpatterns())


class UrlconfMiddleware:
    """Routes a request by the URL patterns :func:`wsgi_app` put in its WSGI environ.

    Django's settings are per process, so several :func:`wsgi_app` apps in one
    process each carry their own patterns with their requests.
    """

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        urlconf = request.META.get(_URLCONF_KEY)
        if urlconf is not None:
            request.urlconf = urlconf
        return self.get_response(request)


def _urlconf(patterns: list[Any]) -> ModuleType:
    """A URL conf object (a module: Django caches resolvers by it, so it must hash)."""
    module = ModuleType("pywebio_nb_urls")
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    return module


def _configure(debug: bool, django_options: dict[str, Any]) -> None:
    """Configure Django for :func:`wsgi_app` unless the process already did."""
    if django.conf.settings.configured:
        return
    reserved = {"DEBUG", "ALLOWED_HOSTS", "ROOT_URLCONF", "SECRET_KEY"} & set(django_options)
    if reserved:
        raise ValueError(
            f"django_options cannot set {sorted(reserved)}: pywebio_nb sets them "
            "(DEBUG from debug=, the others for its own URL patterns)"
        )
    settings: dict[str, Any] = {
        "MIDDLEWARE": [f"{__name__}.UrlconfMiddleware"],
        "INSTALLED_APPS": [],
        "USE_TZ": True,
    }
    settings.update(django_options)
    django.conf.settings.configure(
        DEBUG=debug,
        ALLOWED_HOSTS=["*"],
        # The patterns each request brings (UrlconfMiddleware); none by default.
        ROOT_URLCONF=_urlconf([]),
        SECRET_KEY=secrets.token_urlsafe(32),
        **settings,
    )
    django.setup()


def wsgi_app(
    applications: Any,
    cdn: bool | str = True,
    static_dir: str | None = None,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    debug: bool = False,
    max_payload_size: int | str = "200M",
    **django_options: Any,
) -> Callable[..., Any]:
    """The Django WSGI app serving ``applications`` at ``/`` (for any WSGI server).

    It also serves the frontend files at ``/_pywebio_nb/`` and, with
    ``static_dir``, that directory at ``/static/``. Django is configured on
    the first call (``debug`` is ``DEBUG``; ``django_options`` are more
    settings; ``DEBUG``, ``ALLOWED_HOSTS``, ``ROOT_URLCONF`` and
    ``SECRET_KEY`` are pywebio_nb's). The other arguments mean the same as
    for :func:`start_server`.
    """
    _configure(debug, django_options)
    view = webio_view(
        applications,
        cdn=cdn,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        max_payload_size=max_payload_size,
    )
    patterns = [django.urls.path("", view), *static_urlpatterns()]
    if static_dir is not None:
        patterns.append(
            django.urls.path(
                "static/<path:path>", django.views.static.serve, {"document_root": static_dir}
            )
        )
    urlconf = _urlconf(patterns)
    handler = WSGIHandler()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ[_URLCONF_KEY] = urlconf
        return handler(environ, start_response)

    app.pywebio_nb_core = view.pywebio_nb_core  # type: ignore[attr-defined]
    return app


def _close_sessions(app: Any) -> Callable[[], None]:
    core: HttpCore = app.pywebio_nb_core
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
    **django_options: Any,
) -> WsgiServerHandle | None:
    """Serve PyWebIO applications with Django (HTTP polling); blocks until stopped.

    :param debug: Django's ``DEBUG``.
    :param django_options: more Django settings; ``DEBUG``, ``ALLOWED_HOSTS``,
        ``ROOT_URLCONF`` and ``SECRET_KEY`` are set by pywebio_nb.

    The other arguments mean the same as for
    :func:`pywebio_nb.platform.flask.start_server`. The server is threaded
    (one thread per request: a poll holds its thread up to 20 s). In a
    notebook (or with ``remote_access``) it runs in a background thread and
    its handle is returned.
    """
    app = wsgi_app(
        applications,
        cdn=cdn,
        static_dir=static_dir,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        debug=debug,
        max_payload_size=max_payload_size,
        **django_options,
    )
    return serve_wsgi(
        app, host=host, port=port, remote_access=remote_access, on_shutdown=_close_sessions(app)
    )


def _start_server_in_thread(
    applications: Any, *, host: str = "127.0.0.1", port: int = 0, **kwargs: Any
) -> WsgiServerHandle:
    """A Django server (:func:`wsgi_app`) in a daemon thread (tests, benchmarks)."""
    app = wsgi_app(applications, **kwargs)
    return start_wsgi_in_thread(app, host=host, port=port, on_shutdown=_close_sessions(app))
