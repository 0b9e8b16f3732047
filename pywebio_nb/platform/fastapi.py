"""Serve PyWebIO apps with FastAPI/Starlette over WebSocket (``pywebio.platform.fastapi``).

Needs the ``fastapi`` extra (``pip install pywebio_nb[fastapi]``: Starlette,
uvicorn and websockets; FastAPI itself is only needed by FastAPI apps).

:func:`webio_routes` are Starlette routes for your own FastAPI or Starlette
app: the page and the WebSocket at ``/`` and the frontend files at
``/_pywebio_nb/``, all relative to where you mount them::

    app = FastAPI()
    app.mount("/tool", FastAPI(routes=webio_routes(task_func)))

:func:`asgi_app` is a complete ASGI app (any ASGI server can run it, e.g.
``uvicorn module:app``) and :func:`start_server` runs it with uvicorn. From a
shell, ``python -m pywebio_nb.platform.fastapi package.module:function
--port 8080`` serves one app function the same way (one process per command:
that is how to run several behind a load balancer).

The protocol side of each socket is the one every WebSocket backend shares
(:class:`~._ws_core.WebIOConnection`): ``?session=&ack=`` reconnect, origin
checks, the payload limit; ``session.info.backend`` is ``'starlette'`` and
``session.info.request`` the ``starlette.websockets.WebSocket``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from ._apps import (
    AppNotFound,
    index_links_html,
    make_index_app,
    parse_size,
    select_app,
)
from ._async_server import serve_async, start_async_in_thread
from ._page import STATIC_PATH, render_app_page, render_index_page, static_base_url
from ._server import ServerHandle
from ._sessions import DEFAULT_RECONNECT_TIMEOUT
from ._ws_core import (
    ABNORMAL_CLOSURE,
    MESSAGE_TOO_BIG,
    AsyncWebSocketTransport,
    WebIOConfig,
    WebIOConnection,
    make_session_info,
    too_big,
)

__all__ = ["asgi_app", "start_server", "webio_routes"]

logger = logging.getLogger("pywebio_nb.platform")

#: Where the frontend files are, below the path the routes are mounted at.
STATIC_MOUNT = "/_pywebio_nb"
#: WebSocket close code refusing a socket before it is accepted (the server answers 403).
POLICY_VIOLATION = 1008
#: WebSocket close code of a close frame without a status code (RFC 6455).
NO_STATUS_RECEIVED = 1005


def _make_routes(config: WebIOConfig, max_payload: int) -> list[BaseRoute]:
    def static_base(scope: Any) -> str:
        # The page's URL of the frontend files: below the mount point of these routes.
        return static_base_url(config.cdn, scope.get("root_path", "") + STATIC_MOUNT + "/")

    async def page(request: Request) -> Response:
        try:
            name, app = select_app(config.apps, request.query_params.get("app"))
        except AppNotFound as exc:
            return PlainTextResponse(str(exc) + "\n", status_code=404)
        if app is None:
            html = render_index_page(index_links_html(config.apps))
        else:
            html = render_app_page(app, name, static_base(request.scope))
        return HTMLResponse(html, headers={"Cache-Control": "no-cache"})

    async def session_socket(websocket: WebSocket) -> None:
        try:
            _, app = select_app(config.apps, websocket.query_params.get("app"))
        except AppNotFound:
            await websocket.close(POLICY_VIOLATION)  # before accept: HTTP 403
            return
        origin = websocket.headers.get("origin")
        host = websocket.headers.get("host", "")
        if origin is not None and not config.origin_check(origin, host):
            await websocket.close(POLICY_VIOLATION)  # before accept: HTTP 403
            return
        await websocket.accept()
        await _serve_socket(websocket, config, app or make_index_app(config.apps), max_payload)

    return [
        Route("/", page),
        WebSocketRoute("/", session_socket),
        Mount(STATIC_MOUNT, app=_frontend_files(), name="pywebio_nb_static"),
    ]


def _closed_by_peer(message: Any) -> bool:
    """Whether a ``websocket.disconnect`` reports a close frame (not a failed connection).

    A page that leaves sends a close frame (browsers: 1001 "going away"). ASGI
    has no field for "no close frame"; uvicorn reports a lost connection as
    1006 or, once the handshake completed, 1005 without a ``reason`` key
    (``websockets-sansio`` and ``wsproto``), while a close frame without a
    status code is 1005 with a ``reason``. Erring the other way only keeps a
    session ``reconnect_timeout`` seconds longer.
    """
    code = message.get("code", 1000)
    if code == ABNORMAL_CLOSURE:
        return False
    if code == NO_STATUS_RECEIVED:
        return "reason" in message
    return True


def _frontend_files() -> ASGIApp:
    """pywebio_nb's frontend files, compressed, versioned URLs (``?v=``) cached for long."""
    files = StaticFiles(directory=STATIC_PATH)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        versioned = b"v=" in scope.get("query_string", b"")

        async def send_cached(message: Message) -> None:
            if versioned and message["type"] == "http.response.start":
                # The URL changes with the file's content (static_file_url).
                MutableHeaders(scope=message)["Cache-Control"] = "public, max-age=31536000"
            await send(message)

        await files(scope, receive, send_cached)

    return GZipMiddleware(app, minimum_size=1000)


async def _serve_socket(
    websocket: WebSocket, config: WebIOConfig, app: Any, max_payload: int
) -> None:
    async def close(code: int, reason: str) -> None:
        await websocket.close(code, reason)

    loop = asyncio.get_running_loop()
    transport = AsyncWebSocketTransport(loop, websocket.send_text, websocket.send_bytes, close)
    connection = WebIOConnection(config, transport, transport.close_socket)
    client = websocket.client
    connection.on_open(
        app,
        session_id=websocket.query_params.get("session"),
        ack=websocket.query_params.get("ack"),
        info=lambda: make_session_info(
            websocket.headers,
            user_ip=client.host if client is not None else None,
            backend="starlette",
            request=websocket,
        ),
    )
    clean = False  # a receive that fails is a connection that failed
    refused = False
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                clean = _closed_by_peer(message)
                break
            text, data = message.get("text"), message.get("bytes")
            if refused:
                continue
            payload = text if text is not None else data
            if payload is None:
                continue
            if too_big(payload, max_payload):
                # What Tornado and aiohttp do: close with "message too big".
                refused = True
                transport.close_socket(MESSAGE_TOO_BIG, "message too big")
            elif text is not None:
                # An answer that woke a coroutine app: let it run before reading on.
                pending = connection.on_text(text)
                if pending is not None:
                    await pending
            else:
                connection.on_binary(payload)
    finally:
        connection.on_close(clean=clean or refused)


def _webio_routes(
    applications: Any,
    *,
    cdn: bool | str = True,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    max_payload_size: int | str = "200M",
) -> tuple[list[BaseRoute], WebIOConfig]:
    config = WebIOConfig.create(
        applications,
        static_url_prefix=STATIC_MOUNT + "/",
        cdn=cdn,
        reconnect_timeout=reconnect_timeout,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
    )
    return _make_routes(config, parse_size(max_payload_size)), config


def webio_routes(
    applications: Any,
    cdn: bool | str = True,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    *,
    max_payload_size: int | str = "200M",
) -> list[BaseRoute]:
    """The FastAPI/Starlette routes running ``applications``; mount them where you like.

    ``/`` serves the page (plain GET) and the session (WebSocket), and
    ``/_pywebio_nb/`` the frontend files, relative to the mount point::

        app.mount("/tool", FastAPI(routes=webio_routes(task_func)))
        # or: Starlette(routes=[Mount('/tool', routes=webio_routes(task_func))])

    The arguments mean the same as for :func:`start_server`. A WebSocket
    message over ``max_payload_size`` closes its socket with code 1009; the
    ASGI server may have a lower limit of its own (uvicorn's ``ws_max_size``,
    16 MiB by default).
    """
    routes, _ = _webio_routes(
        applications,
        cdn=cdn,
        reconnect_timeout=reconnect_timeout,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        max_payload_size=max_payload_size,
    )
    return routes


def _asgi_app(
    applications: Any,
    *,
    cdn: bool | str = True,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    static_dir: str | None = None,
    debug: bool = False,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    max_payload_size: int | str = "200M",
) -> tuple[Starlette, WebIOConfig]:
    routes, config = _webio_routes(
        applications,
        cdn=cdn,
        reconnect_timeout=reconnect_timeout,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        max_payload_size=max_payload_size,
    )
    if static_dir is not None:
        routes.append(Mount("/static", app=StaticFiles(directory=static_dir), name="static"))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        config.close_all()  # pending input() calls raise SessionClosedException

    app = Starlette(
        debug=debug,
        routes=routes,
        lifespan=lifespan,
    )
    return app, config


def asgi_app(
    applications: Any,
    cdn: bool | str = True,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    static_dir: str | None = None,
    debug: bool = False,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    *,
    max_payload_size: int | str = "200M",
) -> Starlette:
    """A Starlette ASGI app running ``applications`` (with its frontend files).

    Run it with any ASGI server (``uvicorn module:app``), or mount it into an
    existing FastAPI/Starlette app::

        app = FastAPI()
        app.mount("/pywebio", asgi_app(lambda: put_text("hello from pywebio")))

    ``static_dir`` is served at ``/static/``; ``debug`` shows tracebacks on
    errors. The other arguments mean the same as for :func:`start_server`.
    Use :func:`webio_routes` to add the routes to an app of your own instead.
    """
    app, _ = _asgi_app(
        applications,
        cdn=cdn,
        reconnect_timeout=reconnect_timeout,
        static_dir=static_dir,
        debug=debug,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        max_payload_size=max_payload_size,
    )
    return app


def _starter(app: Any, **uvicorn_settings: Any) -> Any:
    import uvicorn

    async def start(sockets: list[socket.socket]) -> Callable[[], Awaitable[None]]:
        config = uvicorn.Config(app, **uvicorn_settings)
        config.load()
        server = uvicorn.Server(config)
        # Server.serve() would also take over the signals and poll in a loop;
        # the caller (a foreground wait or a ServerHandle) decides when to stop.
        server.lifespan = config.lifespan_class(config)
        await server.startup(sockets=sockets)

        async def stop() -> None:
            server.should_exit = True
            # The sessions were just closed, so their sockets may be closing
            # already; uvicorn's websockets-sansio protocol raises InvalidState
            # when asked to close one again, which would abort the shutdown.
            for connection in list(server.server_state.connections):
                connection.shutdown = _tolerant(connection.shutdown)  # type: ignore[method-assign]
            await server.shutdown(sockets=sockets)

        return stop

    return start


def _tolerant(shutdown: Callable[[], None]) -> Callable[[], None]:
    def call() -> None:
        try:
            shutdown()
        except Exception as exc:  # already closing: nothing left to do
            logger.debug("uvicorn connection shutdown: %s", exc)

    return call


def _uvicorn_settings(
    max_payload_size: int | str, settings: dict[str, Any], *, quiet: bool = False
) -> dict[str, Any]:
    settings = dict(settings)
    settings.setdefault("ws_max_size", parse_size(max_payload_size))
    # The sessions were closed before the server stops: nothing to wait for long.
    settings.setdefault("timeout_graceful_shutdown", 5)
    settings.setdefault("lifespan", "off")  # the server's on_shutdown closes the sessions
    if quiet:
        settings.setdefault("log_config", None)
        settings.setdefault("access_log", False)
    return settings


def start_server(
    applications: Any,
    port: int = 0,
    host: str = "",
    cdn: bool | str = True,
    reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT,
    static_dir: str | None = None,
    remote_access: bool = False,
    debug: bool = False,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    auto_open_webbrowser: bool = False,
    max_payload_size: int | str = "200M",
    *,
    tunnel_cmd: str | None = None,
    **uvicorn_settings: Any,
) -> ServerHandle | None:
    """Serve PyWebIO applications with Starlette on uvicorn; blocks until stopped.

    The arguments mean the same as for
    :func:`pywebio_nb.platform.tornado.start_server` (applications, port, host,
    cdn, reconnect_timeout, static_dir, remote_access and tunnel_cmd,
    allowed_origins, check_origin, auto_open_webbrowser, max_payload_size),
    and as there, inside a notebook the server runs in the background and its
    :class:`~._server.ServerHandle` is returned. Besides:

    :param debug: show tracebacks on errors (Starlette's debug mode).
    :param uvicorn_settings: more ``uvicorn.Config`` settings (``log_level``,
        ``ws``, ``proxy_headers``...). ``max_payload_size`` gives
        ``ws_max_size`` unless set here.
    """
    app, config = _asgi_app(
        applications,
        cdn=cdn,
        reconnect_timeout=reconnect_timeout,
        static_dir=static_dir,
        debug=debug,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        max_payload_size=max_payload_size,
    )
    return serve_async(
        _starter(app, **_uvicorn_settings(max_payload_size, uvicorn_settings)),
        port=port,
        host=host,
        on_shutdown=config.aclose_all,
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
    uvicorn_settings: dict[str, Any] | None = None,
    **kwargs: Any,
) -> ServerHandle:
    """Start :func:`start_server`'s server in a daemon thread; return once it listens."""
    app, config = _asgi_app(applications, max_payload_size=max_payload_size, **kwargs)
    settings = _uvicorn_settings(max_payload_size, uvicorn_settings or {}, quiet=True)
    return start_async_in_thread(
        _starter(app, **settings), host=host, port=port, on_shutdown=config.aclose_all
    )


def _serve_app_in_thread(app: Any, *, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Serve any ASGI ``app`` (e.g. the manual's integration examples) with uvicorn in a thread."""
    settings = {"log_config": None, "access_log": False, "timeout_graceful_shutdown": 5}
    return start_async_in_thread(_starter(app, **settings), host=host, port=port)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m pywebio_nb.platform.fastapi module:function``: serve one app with uvicorn."""
    parser = argparse.ArgumentParser(
        prog="python -m pywebio_nb.platform.fastapi",
        description="Serve a PyWebIO app function with Starlette on uvicorn.",
    )
    parser.add_argument("app", help="the app function as module:function (importable)")
    parser.add_argument("-p", "--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument("-H", "--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument(
        "--reconnect-timeout",
        type=float,
        default=DEFAULT_RECONNECT_TIMEOUT,
        help="seconds a dropped page may take to come back "
        f"(default {DEFAULT_RECONNECT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--allowed-origin",
        action="append",
        default=None,
        help="another origin allowed to connect (shell wildcards; repeatable)",
    )
    args = parser.parse_args(argv)
    module_name, sep, attr = args.app.partition(":")
    if not sep or not module_name or not attr:
        parser.error(f"expected module:function, got {args.app!r}")
    target = getattr(importlib.import_module(module_name), attr, None)
    if not callable(target):
        parser.error(f"{args.app!r} is not a function")
    start_server(
        target,
        port=args.port,
        host=args.host,
        reconnect_timeout=args.reconnect_timeout,
        allowed_origins=args.allowed_origin,
    )


if __name__ == "__main__":
    main()
