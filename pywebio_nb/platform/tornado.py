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
import functools
import itertools
import logging
from asyncio import Future
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any

import tornado
import tornado.escape
import tornado.httputil
import tornado.ioloop
import tornado.iostream
import tornado.web
import tornado.websocket

from ..session._base import Session
from ._apps import (
    AppFunc,
    AppNotFound,
    index_links_html,
    make_index_app,
    normalize_apps,
    select_app,
)
from ._info import RequestRecord, session_info_from_request
from ._origin import make_origin_check
from ._page import STATIC_PATH, FrontendFileHandler, render_app_page, render_index_page
from ._server import ServerHandle, make_application, serve, start_in_thread
from ._sessions import DEFAULT_RECONNECT_TIMEOUT, SessionManager
from ._ws_core import SESSION_GONE, WebIOConfig, WebIOConnection
from ._ws_transport import WebSocketTransport

__all__ = ["SESSION_GONE", "ServerHandle", "start_server", "static_route", "webio_handler"]

logger = logging.getLogger("pywebio_nb.platform")

#: URL prefix of the frontend bundle served by :func:`static_route`.
STATIC_URL_PREFIX = "/_pywebio_nb/"

#: The configuration of one handler class (its apps, sessions, live connections).
_HandlerConfig = WebIOConfig


class _WebIOHandler(tornado.websocket.WebSocketHandler):
    """Page and WebSocket of the apps in ``config`` (set on the subclass).

    The protocol side of the socket is a :class:`~._ws_core.WebIOConnection`;
    this class only adapts Tornado to it.
    """

    config: _HandlerConfig
    _app: AppFunc
    _connection: WebIOConnection | None = None
    _dropped = False  # the connection failed without a close frame

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
                self.finish(render_app_page(app, name, self.config.static_base()))
            return
        self._app = app if app is not None else make_index_app(self.config.apps)
        await super().get(*args, **kwargs)

    def check_origin(self, origin: str) -> bool:
        return self.config.origin_check(origin, self.request.headers.get("Host", ""))

    @property
    def _session(self) -> Session | None:
        """The session this connection serves (None: none, or superseded)."""
        return self._connection.session if self._connection is not None else None

    def open(self, *args: Any, **kwargs: Any) -> None:
        # The one place TCP_NODELAY is set: small frames (a click's answer) must
        # leave at once. Plain HTTP responses need nothing, Tornado sets it
        # while finishing each one.
        self.set_nodelay(True)
        # The HTTP response (101) is finished: its output transforms and the
        # template namespace are never used again. Tornado drops them when the
        # socket closes; dropping them now saves ~0.6 KB per open session.
        self._transforms = []
        self.ui = None  # type: ignore[assignment]
        # So are its headers (~1.2 KB), and the request's HTTP/1 connection
        # objects: the socket now belongs to the WebSocket, they hold only the
        # handshake's state (~2 KB). Then the request itself (~3 KB): a record
        # of it stands in for it, ``info.request`` rebuilds it on first access.
        self._headers = _SENT_HEADERS
        self.request.connection = None
        self.request.server_connection = None
        record = RequestRecord(self.request)
        if self.ws_connection is not None:
            _lighten_stream(self.ws_connection.stream)
        transport = WebSocketTransport(self, asyncio.get_running_loop())
        self._connection = WebIOConnection(self.config, transport, self.close)
        self._connection.on_open(
            self._app,
            session_id=self.get_query_argument("session", None),
            ack=self.get_query_argument("ack", None),
            info=lambda: session_info_from_request(self.request, keep=record),
        )
        self.request = record  # type: ignore[assignment]
        # The URL's arguments, given to get() and open(): used, and three empty
        # containers per connection (~180 bytes) unless shared.
        self.path_args = self.open_args = _NO_ARGS  # type: ignore[assignment]
        self.path_kwargs = self.open_kwargs = _NO_KWARGS

    def on_message(self, message: str | bytes) -> Awaitable[None] | None:
        if self._connection is None:
            return None
        if isinstance(message, bytes):  # a chunk of an uploaded file
            self._connection.on_binary(message)
            return None
        # Tornado awaits what this returns before it reads the next frame.
        return self._connection.on_text(message)

    def get_websocket_protocol(self) -> Any:
        protocol = super().get_websocket_protocol()
        if isinstance(protocol, tornado.websocket.WebSocketProtocol13):
            return _DropAwareProtocol(self, False, protocol.params)
        return protocol

    def on_close(self) -> None:
        if self._connection is not None:
            self._connection.on_close(clean=not self._dropped)

    def close_session(self) -> None:
        """Close this connection's session and socket (used when the server stops)."""
        if self._connection is not None:
            self._connection.close_session()
        else:
            self.close()


class _DropAwareProtocol(tornado.websocket.WebSocketProtocol13):
    """Tornado's protocol, telling a drop from a close.

    Tornado tears a connection down with ``_abort()`` both after a close frame
    and when the socket failed; only the latter is a drop that the page may
    come back from (a page that leaves sends a close frame). A subclass rather
    than a wrapper on the instance: no closure, no reference cycle, nothing
    added to each connection's memory.
    """

    def _abort(self) -> None:
        if not self.client_terminated and isinstance(self.handler, _WebIOHandler):
            self.handler._dropped = True
        super()._abort()

    async def _receive_frame_loop(self) -> None:
        """Tornado's frame loop, in a task of its own.

        Tornado awaits it at the bottom of the request's coroutines
        (``_execute`` -> ``get`` -> ``accept_connection`` ->
        ``_accept_connection``): their frames, their locals and the request's
        task would live as long as the socket (~2 KB per connection). As a
        task of its own, they end once the WebSocket is open. The task is
        referenced by the stream's pending read, like Tornado's own loop.
        """
        reader = asyncio.ensure_future(super()._receive_frame_loop())
        reader.add_done_callback(functools.partial(_reader_done, self))

    def write_message(
        self, message: str | bytes | dict[str, Any], binary: bool = False
    ) -> Future[None]:
        """As Tornado's, but returns the stream's own write future.

        Tornado wraps that future in a new coroutine task per message, only to
        turn its StreamClosedError into WebSocketClosedError: a task and two
        more event loop turns for every frame (a click's answer is one frame).
        Our transport only retrieves the future's exception, whichever it is.
        """
        if self._compressor is not None or isinstance(message, dict):
            return super().write_message(message, binary)
        data = tornado.escape.utf8(message)
        self._message_bytes_out += len(data)
        try:
            return self._write_frame(True, 0x2 if binary else 0x1, data)
        except tornado.iostream.StreamClosedError:
            raise tornado.websocket.WebSocketClosedError() from None


def _reader_done(protocol: _DropAwareProtocol, task: asyncio.Task[None]) -> None:
    """A connection's frame loop ended: what Tornado's request coroutines did then.

    Cancelled (the event loop shuts down) or a ValueError (a malformed
    frame): close the socket, as Tornado's ``accept_connection`` does. Any
    other failure is logged, as the request's task did, and the socket
    closed too: nothing reads it any more.
    """
    if task.cancelled():
        protocol._abort()
        return
    error = task.exception()
    if error is None:
        return
    if isinstance(error, ValueError):
        logger.debug("malformed WebSocket frame", exc_info=error)
    else:
        logger.error("WebSocket frame loop failed", exc_info=error)
    protocol._abort()


class _SentHeaders(tornado.httputil.HTTPHeaders):
    """The headers of a response already sent (the 101): empty, and no one may add any.

    One instance stands in for every open WebSocket's own (see ``open``).
    """

    def add(self, name: str, value: str, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"the response was sent; cannot add the header {name!r}")

    def __setitem__(self, name: str, value: str) -> None:
        self.add(name, value)


_SENT_HEADERS = _SentHeaders()
#: What an open WebSocket's handler keeps as its URL's arguments (never changed).
_NO_ARGS: list[str] = []
_NO_KWARGS: dict[str, str] = {}


class _Queue:
    """A FIFO with the part of ``collections.deque``'s API that Tornado's IOStream uses.

    An IOStream keeps two deques (frames to write, futures of writes), empty
    nearly all the time; an empty deque takes 760 bytes, this ~100. Popping
    from the front moves a start index; the list is compacted once half of it
    is consumed, so a long backlog still costs O(1) per item.
    """

    __slots__ = ("_head", "_items")

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._items: list[Any] = list(items)
        self._head = 0

    def append(self, item: Any) -> None:
        self._items.append(item)

    def popleft(self) -> Any:
        items, head = self._items, self._head
        if head >= len(items):
            raise IndexError("pop from an empty queue")
        item = items[head]
        head += 1
        if head * 2 >= len(items):
            del items[:head]
            head = 0
        else:
            items[head - 1] = None  # let go of it now
        self._head = head
        return item

    def __getitem__(self, index: int) -> Any:
        if not -len(self) <= index < len(self):
            raise IndexError("queue index out of range")
        return self._items[self._head + index if index >= 0 else index]

    def __len__(self) -> int:
        return len(self._items) - self._head

    def __iter__(self) -> Iterator[Any]:
        return itertools.islice(self._items, self._head, None)

    def clear(self) -> None:
        self._items.clear()
        self._head = 0


def _lighten_stream(stream: Any) -> None:
    """Give an open WebSocket's IOStream two :class:`_Queue` for its deques (~1.3 KB less).

    Only on the Tornado versions whose IOStream is known to use nothing else
    of them (6.3 to 6.6); any other keeps its deques.
    """
    if not (6, 3) <= tornado.version_info[:2] <= (6, 6):
        return
    buffer: Any = getattr(stream, "_write_buffer", None)
    if isinstance(getattr(buffer, "_buffers", None), deque):
        buffer._buffers = _Queue(buffer._buffers)
    if isinstance(getattr(stream, "_write_futures", None), deque):
        stream._write_futures = _Queue(stream._write_futures)


def _make_handler(
    applications: Any,
    *,
    allowed_origins: Sequence[str] | None,
    check_origin: Callable[[str], bool] | None,
    static_url_prefix: str,
    reconnect_timeout: float,
) -> type[_WebIOHandler]:
    config = _HandlerConfig(
        normalize_apps(applications),
        make_origin_check(allowed_origins, check_origin),
        static_url_prefix,
        sessions=SessionManager(reconnect_timeout),
    )
    return type("WebIOHandler", (_WebIOHandler,), {"config": config})


def webio_handler(
    applications: Any,
    cdn: bool | str = True,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
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

    ``cdn``: True/False serve the frontend from ``static_url_prefix``; a URL
    string serves it from that base URL (``page.js``, ``chunks/``, ``themes/``).
    ``reconnect_timeout``: see :func:`start_server`.
    """
    handler = _make_handler(
        applications,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        static_url_prefix=static_url_prefix,
        reconnect_timeout=reconnect_timeout,
    )
    handler.config.cdn = cdn
    return handler


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
    # FrontendFileHandler also serves the chart libraries (lib/<name>.js, pywebio_nb.charts).
    return (prefix + "(.*)", FrontendFileHandler, {"path": STATIC_PATH})


def _make_application(
    applications: Any,
    *,
    debug: bool = False,
    cdn: bool | str = True,
    static_dir: str | None = None,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
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
    # Every connection's session, then those waiting for their page to come back.
    return config.close_all


def start_server(
    applications: Any,
    port: int = 0,
    host: str = "",
    debug: bool = False,
    cdn: bool | str = True,
    static_dir: str | None = None,
    remote_access: bool = False,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    auto_open_webbrowser: bool = False,
    max_payload_size: int | str = "200M",
    *,
    tunnel_cmd: str | None = None,
    **tornado_app_settings: Any,
) -> ServerHandle | None:
    """Serve PyWebIO applications with Tornado over WebSocket; blocks until stopped.

    In a script it prints ``Serving on URL`` and serves until Ctrl-C or SIGTERM;
    meanwhile Python's full garbage collections run ten times less often (a
    server with thousands of open sessions spent a quarter of its CPU in them;
    see ``pywebio_nb.platform._gc``), unless the process changed the collector's
    thresholds itself. Inside a Jupyter notebook it does not block the kernel: the server runs in
    the background, a link is displayed and a :class:`ServerHandle` is returned
    (``handle.url``, ``handle.stop()``); running it again on the same port
    stops the previous server first.

    :param applications: an app function, a list of functions (each named by its
        ``__name__``) or a dict ``{name: function}``. ``?app=NAME`` selects one;
        without it the ``index`` app runs (or the only app); with several apps
        and no ``index``, a page lists links to them. ``async def`` apps run as
        coroutine-based sessions, ``def`` apps each in their own thread.
    :param port: port to listen on; 0 picks a free one (the printed URL says which).
    :param host: address or hostname to listen on; ``""``/None means all interfaces.
    :param debug: Tornado debug mode: the server restarts when a source file
        changes, and error pages show tracebacks. Autoreload is off in a notebook.
    :param cdn: True or False: the frontend files come from this server (never
        from a public CDN, everything works offline); a URL string: the page
        loads them from that base URL (serve a copy of ``pywebio_nb/static/``
        there, with ``Access-Control-Allow-Origin`` if it is another origin).
    :param static_dir: a directory served at ``/static/``.
    :param remote_access: also serve on a public URL through a tunnel command:
        ``tunnel_cmd``, else the ``PYWEBIO_NB_TUNNEL_CMD`` environment variable
        (one command line; ``{port}`` stands for the local port; it must print
        the public URL, then keep running; it is stopped with the server).
        pywebio_nb has no tunnel service of its own: without a tunnel command
        this raises ``RemoteAccessError``.
    :param reconnect_timeout: seconds a page whose connection dropped (network
        loss, a laptop waking up) may take to come back to its session. The
        page shows "Reconnecting…" and dials again with back-off; back in time,
        it receives exactly the output it missed and a pending ``input()`` is
        still answerable. A page closed or navigated away ends its session at
        once. Default 60 (PyWebIO: 0); 0 ends the session with its connection.
    :param allowed_origins: origins allowed to open the WebSocket besides the
        server's own host, with shell wildcards, e.g. ``['https://*.example.com']``.
    :param check_origin: ``check_origin(origin) -> bool``; when given,
        ``allowed_origins`` is ignored.
    :param auto_open_webbrowser: open the app in a browser once listening
        (Python's ``webbrowser``, which honours the ``BROWSER`` variable).
    :param max_payload_size: largest WebSocket message accepted: bytes, or a
        string such as ``'500'``, ``'40K'``, ``'3M'``, ``'1G'``. Uploaded files
        arrive in frames of at most 1 MB (plus a small header), so the limit
        applies per chunk, not per file: keep it above ``'1100K'`` for uploads
        and limit file sizes with ``file_upload(max_size=...)``.
    :param tunnel_cmd: the tunnel command for ``remote_access`` (see above).
    :param tornado_app_settings: more ``tornado.web.Application`` settings.
    :returns: None in a script (after the server stopped); the running
        :class:`ServerHandle` in a notebook.
    """
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
    return serve(
        application,
        port=port,
        host=host,
        max_payload_size=max_payload_size,
        on_shutdown=_close_live_sessions(config),
        auto_open_webbrowser=auto_open_webbrowser,
        remote_access=remote_access,
        tunnel_cmd=tunnel_cmd,
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
