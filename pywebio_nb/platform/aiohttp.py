"""Serve PyWebIO apps with aiohttp over WebSocket (``pywebio.platform.aiohttp``).

Needs the ``aiohttp`` extra: ``pip install pywebio_nb[aiohttp]``.

As with Tornado, one URL serves both the page (a plain GET) and the session
(a GET with ``Upgrade: websocket``); the page loads the frontend files from
``/_pywebio_nb/`` of the same server (add :func:`static_routes`), never from a
CDN. The protocol side of each socket is the one every WebSocket backend
shares (:class:`~._ws_core.WebIOConnection`): ``?session=&ack=`` reconnect,
origin checks, the payload limit and ``session.info`` (``backend`` is
``'aiohttp'``, ``request`` the ``aiohttp.web.Request``) behave as on Tornado.

In your own aiohttp application::

    from aiohttp import web
    from pywebio_nb.platform.aiohttp import webio_handler, static_routes

    app = web.Application()
    app.add_routes([web.get('/tool', webio_handler(task_func))])
    app.add_routes(static_routes())
    web.run_app(app, host='localhost', port=80)
"""

from __future__ import annotations

import asyncio
import mimetypes
import pathlib
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import WSMsgType, web

from ._apps import (
    AppFunc,
    AppNotFound,
    index_links_html,
    make_index_app,
    parse_size,
    select_app,
)
from ._async_server import serve_async, start_async_in_thread
from ._page import STATIC_PATH, render_app_page, render_index_page
from ._server import ServerHandle
from ._sessions import DEFAULT_RECONNECT_TIMEOUT
from ._ws_core import (
    ABNORMAL_CLOSURE,
    AsyncWebSocketTransport,
    WebIOConfig,
    WebIOConnection,
    make_session_info,
)

__all__ = ["start_server", "static_routes", "webio_handler"]

#: URL prefix of the frontend files served by :func:`static_routes`.
STATIC_URL_PREFIX = "/_pywebio_nb/"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _text(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text + "\n", content_type="text/plain")


def _set_nodelay(request: web.Request) -> None:
    # Small frames (a click's answer) must leave at once. asyncio already sets
    # TCP_NODELAY on the sockets it accepts; this keeps it true whatever runs us.
    transport = request.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _make_handler(config: WebIOConfig, websocket_settings: dict[str, Any]) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            name, app = select_app(config.apps, request.query.get("app"))
        except AppNotFound as exc:
            return _text(404, str(exc))
        if request.headers.get("Upgrade", "").lower() != "websocket":
            if app is None:
                page = render_index_page(index_links_html(config.apps))
            else:
                page = render_app_page(app, name, config.static_base())
            return web.Response(
                text=page, content_type="text/html", headers={"Cache-Control": "no-cache"}
            )
        origin = request.headers.get("Origin")
        if origin is not None and not config.origin_check(origin, request.headers.get("Host", "")):
            return _text(403, "Cross origin websockets not allowed")
        return await _serve_socket(
            request, config, app or make_index_app(config.apps), websocket_settings
        )

    return handler


async def _serve_socket(
    request: web.Request, config: WebIOConfig, app: AppFunc, settings: dict[str, Any]
) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(**settings)
    await ws.prepare(request)
    _set_nodelay(request)

    async def close(code: int, reason: str) -> None:
        await ws.close(code=code, message=reason.encode())

    transport = AsyncWebSocketTransport(
        asyncio.get_running_loop(), ws.send_str, ws.send_bytes, close
    )
    connection = WebIOConnection(config, transport, transport.close_socket)
    connection.on_open(
        app,
        session_id=request.query.get("session"),
        ack=request.query.get("ack"),
        info=lambda: make_session_info(
            request.headers, user_ip=request.remote, backend="aiohttp", request=request
        ),
    )
    try:
        # Ends at the close frame (either side's) or when the connection fails;
        # a message over max_msg_size makes aiohttp close with 1009 itself.
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                # An answer that woke a coroutine app: let it run before reading on.
                pending = connection.on_text(message.data)
                if pending is not None:
                    await pending
            elif message.type == WSMsgType.BINARY:
                connection.on_binary(message.data)
    finally:
        # A page that leaves sends a close frame; without one aiohttp reports 1006.
        connection.on_close(clean=ws.close_code not in (None, ABNORMAL_CLOSURE))
    return ws


def _websocket_settings(
    websocket_settings: dict[str, Any] | None, max_payload_size: int | str
) -> dict[str, Any]:
    settings = dict(websocket_settings or {})
    settings.setdefault("max_msg_size", parse_size(max_payload_size))
    return settings


def webio_handler(
    applications: Any,
    cdn: bool | str = True,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    websocket_settings: dict[str, Any] | None = None,
    *,
    max_payload_size: int | str = "200M",
    static_url_prefix: str = STATIC_URL_PREFIX,
) -> Handler:
    """The aiohttp request handler running ``applications`` in your own aiohttp app.

    Route it with ``web.get(path, handler)``: a plain GET returns the page, a
    WebSocket GET of the same URL opens a session. The page loads the frontend
    from ``static_url_prefix`` (``/_pywebio_nb/``): add :func:`static_routes`
    with the same prefix.

    ``websocket_settings``: keyword arguments of ``aiohttp.web.WebSocketResponse``
    (e.g. ``heartbeat``); ``max_payload_size`` sets its ``max_msg_size`` unless
    given there. The other arguments mean the same as for :func:`start_server`.
    """
    config = WebIOConfig.create(
        applications,
        static_url_prefix=static_url_prefix,
        cdn=cdn,
        reconnect_timeout=reconnect_timeout,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
    )
    handler = _make_handler(config, _websocket_settings(websocket_settings, max_payload_size))
    handler.config = config  # type: ignore[attr-defined]
    return handler


def static_routes(prefix: str = STATIC_URL_PREFIX) -> list[web.AbstractRouteDef]:
    """The aiohttp routes serving pywebio_nb's frontend files under ``prefix``.

    Pass the same ``prefix`` as ``static_url_prefix`` to :func:`webio_handler`.
    """
    if not (prefix.startswith("/") and prefix.endswith("/")):
        raise ValueError(f"static prefix must start and end with '/', got {prefix!r}")
    return [web.get(prefix + "{name:.+}", _frontend_file)]


_STATIC_ROOT = pathlib.Path(STATIC_PATH).resolve()


async def _frontend_file(request: web.Request) -> web.StreamResponse:
    """One frontend file: compressed, and cached for long under a versioned URL (``?v=``)."""
    name = request.match_info["name"]
    parts = name.split("/")
    # Only plain names below the static directory (no "..", no absolute paths).
    if any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts):
        raise web.HTTPNotFound()
    path = _STATIC_ROOT.joinpath(*parts)
    if not (path.is_file() and path.resolve().is_relative_to(_STATIC_ROOT)):
        raise web.HTTPNotFound()
    body = await asyncio.to_thread(path.read_bytes)
    response = web.Response(
        body=body,
        content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
    )
    if "v" in request.query:  # the URL changes with the content (static_file_url)
        response.headers["Cache-Control"] = "public, max-age=31536000"
    if len(body) >= 1000:
        response.enable_compression()
    return response


def _make_app(
    applications: Any,
    *,
    cdn: bool | str = True,
    static_dir: str | None = None,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    websocket_settings: dict[str, Any] | None = None,
    max_payload_size: int | str = "200M",
    **aiohttp_settings: Any,
) -> tuple[web.Application, WebIOConfig]:
    """The ``web.Application`` of :func:`start_server` and its handler's config."""
    handler = webio_handler(
        applications,
        cdn=cdn,
        reconnect_timeout=reconnect_timeout,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        websocket_settings=websocket_settings,
        max_payload_size=max_payload_size,
    )
    aiohttp_settings.setdefault("client_max_size", parse_size(max_payload_size))
    app = web.Application(**aiohttp_settings)
    app.add_routes([web.get("/", handler)])
    if static_dir is not None:
        app.add_routes([web.static("/static", static_dir)])
    app.add_routes(static_routes())
    config: WebIOConfig = handler.config  # type: ignore[attr-defined]
    return app, config


def _starter(app: web.Application, debug: bool = False) -> Any:
    async def start(sockets: list[socket.socket]) -> Callable[[], Awaitable[None]]:
        if debug:
            asyncio.get_running_loop().set_debug(True)
        # The sessions are closed before the runner stops (on_shutdown), so the
        # sockets are closing already: a short grace period is plenty.
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=5)
        await runner.setup()
        for sock in sockets:
            await web.SockSite(runner, sock).start()
        return runner.cleanup

    return start


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
    websocket_settings: dict[str, Any] | None = None,
    max_payload_size: int | str = "200M",
    *,
    tunnel_cmd: str | None = None,
    **aiohttp_settings: Any,
) -> ServerHandle | None:
    """Serve PyWebIO applications with aiohttp over WebSocket; blocks until stopped.

    The arguments mean the same as for
    :func:`pywebio_nb.platform.tornado.start_server` (applications, port, host,
    cdn, static_dir, remote_access and tunnel_cmd, reconnect_timeout,
    allowed_origins, check_origin, auto_open_webbrowser, max_payload_size),
    and as there, inside a notebook the server runs in the background and its
    :class:`~._server.ServerHandle` is returned. Besides:

    :param debug: asyncio debug mode on the server's event loop.
    :param websocket_settings: keyword arguments of
        ``aiohttp.web.WebSocketResponse`` (``max_payload_size`` gives its
        ``max_msg_size`` unless set here).
    :param aiohttp_settings: keyword arguments of ``aiohttp.web.Application``
        (``max_payload_size`` gives its ``client_max_size`` unless set here).
    """
    app, config = _make_app(
        applications,
        cdn=cdn,
        static_dir=static_dir,
        reconnect_timeout=reconnect_timeout,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        websocket_settings=websocket_settings,
        max_payload_size=max_payload_size,
        **aiohttp_settings,
    )
    return serve_async(
        _starter(app, debug),
        port=port,
        host=host,
        on_shutdown=config.aclose_all,
        auto_open_webbrowser=auto_open_webbrowser,
        remote_access=remote_access,
        tunnel_cmd=tunnel_cmd,
    )


def _start_server_in_thread(
    applications: Any, *, host: str = "127.0.0.1", port: int = 0, **kwargs: Any
) -> ServerHandle:
    """Start :func:`start_server`'s server in a daemon thread; return once it listens."""
    app, config = _make_app(applications, **kwargs)
    return start_async_in_thread(_starter(app), host=host, port=port, on_shutdown=config.aclose_all)


def _serve_app_in_thread(
    app: web.Application, *, host: str = "127.0.0.1", port: int = 0
) -> ServerHandle:
    """Serve any aiohttp ``app`` (e.g. the manual's integration example) in a thread."""
    return start_async_in_thread(_starter(app), host=host, port=port)
