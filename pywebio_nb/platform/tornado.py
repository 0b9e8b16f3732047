"""Serve PyWebIO apps with Tornado over WebSocket (``pywebio.platform.tornado``).

One URL serves both the page and the socket, as in PyWebIO: a plain GET returns
the HTML page, a GET with ``Upgrade: websocket`` becomes the connection of a
new session. The page loads the frontend bundle from our own static route
(``/_pywebio_nb/page.js``), never from a CDN.

Each connection gets a :class:`~pywebio_nb.session._base.ThreadSession` (a
``def`` app, in its own thread) or a
:class:`~pywebio_nb.session._coroutine.CoroutineSession` (an ``async def``
app, on the server's event loop). The session batches commands; its
:class:`~pywebio_nb.platform._ws_transport.WebSocketTransport` turns each batch
into one JSON text frame, written on the IOLoop thread whichever thread
produced it. :func:`_start_server_in_thread` (a :class:`ServerHandle`) runs a
server in the background for tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import tornado.ioloop
import tornado.web
import tornado.websocket

from ..protocol import ProtocolError, make_command
from ..session._base import Session, ThreadSession
from ..session._coroutine import CoroutineSession, is_coroutine_callable
from ._apps import (
    AppFunc,
    AppNotFound,
    app_title,
    index_links_html,
    make_index_app,
    normalize_apps,
    select_app,
)
from ._info import session_info_from_request
from ._origin import OriginCheck, make_origin_check
from ._page import STATIC_PATH, render_index_page, render_page
from ._server import ServerHandle, make_application, serve, start_in_thread
from ._ws_transport import WebSocketTransport, decode_upload_frame

__all__ = ["ServerHandle", "start_server", "static_route", "webio_handler"]

logger = logging.getLogger("pywebio_nb.platform")

#: URL prefix of the frontend bundle served by :func:`static_route`.
STATIC_URL_PREFIX = "/_pywebio_nb/"


@dataclass
class _HandlerConfig:
    apps: dict[str, AppFunc]
    origin_check: OriginCheck
    static_url_prefix: str
    live: set[Any] = field(default_factory=set)

    def script_url(self) -> str:
        version = tornado.web.StaticFileHandler.get_version({"static_path": STATIC_PATH}, "page.js")
        url = self.static_url_prefix + "page.js"
        return f"{url}?v={version}" if version else url


class _WebIOHandler(tornado.websocket.WebSocketHandler):
    """Page and WebSocket of the apps in ``config`` (set on the subclass)."""

    config: _HandlerConfig
    _app: AppFunc
    _session: Session | None = None

    async def get(self, *args: Any, **kwargs: Any) -> None:
        try:
            name, app = select_app(self.config.apps, self.get_query_argument("app", None))
        except AppNotFound as exc:
            self.set_status(404)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(str(exc) + "\n")
            return
        if self.request.headers.get("Upgrade", "").lower() != "websocket":
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-cache")
            if app is None:
                self.finish(render_index_page(index_links_html(self.config.apps)))
            else:
                self.finish(render_page(app_title(app, name), self.config.script_url()))
            return
        self._app = app if app is not None else make_index_app(self.config.apps)
        await super().get(*args, **kwargs)

    def check_origin(self, origin: str) -> bool:
        return self.config.origin_check(origin, self.request.headers.get("Host", ""))

    def open(self, *args: Any, **kwargs: Any) -> None:
        # The one place TCP_NODELAY is set: small frames (a click's answer) must
        # leave at once. Plain HTTP responses need nothing, Tornado sets it
        # while finishing each one.
        self.set_nodelay(True)
        transport = WebSocketTransport(self, tornado.ioloop.IOLoop.current())
        info = session_info_from_request(self.request)
        session: Session
        if is_coroutine_callable(self._app):
            session = CoroutineSession(
                self._app,
                transport,
                loop=asyncio.get_running_loop(),
                info=info,
                on_done=_on_app_done,
            )
        else:
            session = ThreadSession(self._app, transport, info=info, on_done=_on_app_done)
        self._session = session
        self.config.live.add(self)
        session.send(make_command("set_session_id", secrets.token_urlsafe(16)))
        session.start()

    def on_message(self, message: str | bytes) -> None:
        session = self._session
        if session is None:
            return
        if isinstance(message, bytes):  # a chunk of an uploaded file
            try:
                event, chunk = decode_upload_frame(message)
            except ProtocolError as exc:
                logger.warning(
                    "ignored a binary WebSocket frame of %d bytes: %s", len(message), exc
                )
                return
            session.dispatch(event, [chunk])
            return
        try:
            event = json.loads(message)
        except ValueError as exc:
            logger.warning("ignored a WebSocket frame that is not JSON (%s): %.200r", exc, message)
            return
        session.dispatch(event)

    def on_close(self) -> None:
        self.config.live.discard(self)
        if self._session is not None:
            self._session.close(notify_client=False)

    def close_session(self) -> None:
        """Close this connection's session and socket (used when the server stops)."""
        self.config.live.discard(self)
        if self._session is not None:
            self._session.close(notify_client=False)
        self.close()


def _on_app_done(session: Session) -> None:
    """The app function returned: close, unless callbacks keep the page alive."""
    if session.closed or session.has_callbacks:
        return  # PyWebIO's automatic hold: open until the browser goes away
    session.close()


def _make_handler(
    applications: Any,
    *,
    allowed_origins: Sequence[str] | None,
    check_origin: Callable[[str], bool] | None,
    static_url_prefix: str,
) -> type[_WebIOHandler]:
    config = _HandlerConfig(
        normalize_apps(applications),
        make_origin_check(allowed_origins, check_origin),
        static_url_prefix,
    )
    return type("WebIOHandler", (_WebIOHandler,), {"config": config})


def _warn_unsupported(cdn: Any, reconnect_timeout: float) -> None:
    if cdn:
        logger.debug("cdn=%r ignored: pywebio_nb always serves its frontend locally", cdn)
    if reconnect_timeout:
        logger.warning(
            "reconnect_timeout=%s is not supported yet: a session ends when its WebSocket closes",
            reconnect_timeout,
        )


def webio_handler(
    applications: Any,
    cdn: bool | str = True,
    reconnect_timeout: float = 0,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    *,
    static_url_prefix: str = STATIC_URL_PREFIX,
) -> type[tornado.web.RequestHandler]:
    """The ``RequestHandler`` class running ``applications`` in your own Tornado app.

    The arguments mean the same as for :func:`start_server`. The handler serves
    the page on a plain GET and the session on a WebSocket GET of the same URL.
    The page loads the frontend from ``static_url_prefix`` (``/_pywebio_nb/``),
    so add that route too, with :func:`static_route`::

        app = tornado.web.Application([
            (r"/tool", webio_handler(main)),
            static_route(),
        ], compress_response=True)

    ``cdn`` is accepted for compatibility and ignored: the frontend is always
    served locally. ``reconnect_timeout`` is not supported yet (a warning is
    logged); a session ends when its WebSocket closes.
    """
    _warn_unsupported(cdn, reconnect_timeout)
    return _make_handler(
        applications,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        static_url_prefix=static_url_prefix,
    )


def static_route(
    prefix: str = STATIC_URL_PREFIX,
) -> tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]:
    """The Tornado route serving pywebio_nb's frontend files under ``prefix``.

    Pass the same ``prefix`` as ``static_url_prefix`` to :func:`webio_handler`.
    Versioned URLs (``?v=``) are cached for long; use ``compress_response=True``
    in your Application settings to gzip them.
    """
    if not (prefix.startswith("/") and prefix.endswith("/")):
        raise ValueError(f"static prefix must start and end with '/', got {prefix!r}")
    return (prefix + "(.*)", tornado.web.StaticFileHandler, {"path": STATIC_PATH})


def _make_application(
    applications: Any,
    *,
    debug: bool = False,
    cdn: bool | str = True,
    static_dir: str | None = None,
    reconnect_timeout: float = 0,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    max_payload_size: int | str = "200M",
    **tornado_app_settings: Any,
) -> tuple[tornado.web.Application, _HandlerConfig]:
    """The Application of :func:`start_server` and the config of its handler."""
    handler = webio_handler(
        applications,
        cdn=cdn,
        reconnect_timeout=reconnect_timeout,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
    )
    application = make_application(
        [(r"/", handler), static_route()],
        debug=debug,
        static_dir=static_dir,
        max_payload_size=max_payload_size,
        **tornado_app_settings,
    )
    config: _HandlerConfig = handler.config  # type: ignore[attr-defined]
    return application, config


def _close_live_sessions(config: _HandlerConfig) -> Callable[[], None]:
    def close() -> None:
        for handler in list(config.live):
            handler.close_session()

    return close


def start_server(
    applications: Any,
    port: int = 0,
    host: str = "",
    debug: bool = False,
    cdn: bool | str = True,
    static_dir: str | None = None,
    remote_access: bool = False,
    reconnect_timeout: float = 0,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    auto_open_webbrowser: bool = False,
    max_payload_size: int | str = "200M",
    **tornado_app_settings: Any,
) -> None:
    """Serve PyWebIO applications with Tornado over WebSocket; blocks until stopped.

    :param applications: an app function, a list of functions (each named by its
        ``__name__``) or a dict ``{name: function}``. ``?app=NAME`` selects one;
        without it the ``index`` app runs (or the only app); with several apps
        and no ``index``, a page lists links to them. ``async def`` apps run as
        coroutine-based sessions, ``def`` apps each in their own thread.
    :param port: port to listen on; 0 picks a free one (logged).
    :param host: address or hostname to listen on; ``""``/None means all interfaces.
    :param debug: Tornado debug mode (autoreload on code changes).
    :param cdn: accepted for compatibility and ignored: the frontend is always
        served from this server, never from a CDN.
    :param static_dir: a directory served at ``/static/``.
    :param remote_access: not supported (a warning is logged).
    :param reconnect_timeout: not supported yet (a warning is logged): a session
        ends when its WebSocket closes.
    :param allowed_origins: origins allowed to open the WebSocket besides the
        server's own host, with shell wildcards, e.g. ``['https://*.example.com']``.
    :param check_origin: ``check_origin(origin) -> bool``; when given,
        ``allowed_origins`` is ignored.
    :param auto_open_webbrowser: open the app in a browser once listening.
    :param max_payload_size: largest WebSocket message accepted: bytes, or a
        string such as ``'500'``, ``'40K'``, ``'3M'``, ``'1G'``. Uploaded files
        arrive in frames of at most 1 MB (plus a small header), so the limit
        applies per chunk, not per file: keep it above ``'1100K'`` for uploads
        and limit file sizes with ``file_upload(max_size=...)``.
    :param tornado_app_settings: more ``tornado.web.Application`` settings.
    """
    if remote_access:
        logger.warning("remote_access=True is not supported by pywebio_nb; serving locally only")
    application, config = _make_application(
        applications,
        debug=debug,
        cdn=cdn,
        static_dir=static_dir,
        reconnect_timeout=reconnect_timeout,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        max_payload_size=max_payload_size,
        **tornado_app_settings,
    )

    def listening(handle: ServerHandle) -> None:
        print(f"Serving on {handle.url}", flush=True)
        if auto_open_webbrowser:
            threading.Thread(target=webbrowser.open, args=(handle.url,), daemon=True).start()

    serve(
        application,
        port=port,
        host=host,
        max_payload_size=max_payload_size,
        on_shutdown=_close_live_sessions(config),
        on_listening=listening,
    )


def _start_server_in_thread(
    applications: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    max_payload_size: int | str = "200M",
    **kwargs: Any,
) -> ServerHandle:
    """Start a server in a daemon thread and return once it listens.

    Takes :func:`start_server`'s arguments except the blocking-only ones.
    """
    application, config = _make_application(
        applications, max_payload_size=max_payload_size, **kwargs
    )
    return start_in_thread(
        application,
        host=host,
        port=port,
        max_payload_size=max_payload_size,
        on_shutdown=_close_live_sessions(config),
    )
