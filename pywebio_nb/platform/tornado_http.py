"""Serve PyWebIO apps with Tornado over plain HTTP (``pywebio.platform.tornado_http``).

For networks where WebSockets do not get through. The protocol (one URL for
the page and the session, the ``webio-session-id`` and ``webio-ack`` headers,
long polls, events as POST bodies, ``410 Gone``, session expiry) is
framework-neutral and lives in :mod:`pywebio_nb.platform._http_core`, shared
with the Flask and Django adapters; this module only turns Tornado requests
into :class:`~pywebio_nb.platform._http_core.HttpRequest` and back, on
Tornado's own event loop. Request bodies are streamed so that one over
``max_payload_size`` is answered ``413`` without being read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import tornado.web

# The protocol's names stay importable from here (path_deploy and older code use them).
from ._http_core import ACK_HEADER as ACK_HEADER
from ._http_core import DEFAULT_SESSION_CLEANUP_INTERVAL as DEFAULT_SESSION_CLEANUP_INTERVAL
from ._http_core import DEFAULT_SESSION_EXPIRE_SECONDS as DEFAULT_SESSION_EXPIRE_SECONDS
from ._http_core import POLL_SECONDS as POLL_SECONDS
from ._http_core import SESSION_HEADER as SESSION_HEADER
from ._http_core import HttpCore, HttpRequest, HttpResponse
from ._http_core import HttpTransport as HttpTransport
from ._http_core import encode_records as encode_records
from ._server import ServerHandle, make_application, serve, start_in_thread
from .tornado import STATIC_URL_PREFIX, static_route

__all__ = ["start_server", "webio_handler"]

logger = logging.getLogger("pywebio_nb.platform")


@tornado.web.stream_request_body
class _HttpHandler(tornado.web.RequestHandler):
    """Page, polls and events of the apps in ``config`` (set on the subclass)."""

    config: HttpCore

    def prepare(self) -> None:
        self._chunks: list[bytes] = []
        self._received = 0
        length = self.request.headers.get("Content-Length")
        refused = self.config.too_large(int(length) if length and length.isdigit() else None)
        connection: Any = self.request.connection
        # This handler's limit governs, not the server's (which answers 400).
        connection.set_max_body_size(max(self.config.max_payload_size, int(length or 0)))
        if refused is not None:
            # Answer at once and close: a body this big is not worth reading.
            self.set_header("Connection", "close")
            self._write(refused)

    def data_received(self, chunk: bytes) -> None:
        self._received += len(chunk)
        if self._received <= self.config.max_payload_size:
            self._chunks.append(chunk)

    def _request(self) -> HttpRequest | None:
        if self._received > self.config.max_payload_size:  # a chunked body over the limit
            refused = self.config.too_large(self._received)
            assert refused is not None
            self._write(refused)
            return None
        request = self.request
        return HttpRequest(
            method=request.method or "GET",
            headers=dict(request.headers.get_all()),
            query={k: v[-1].decode(errors="replace") for k, v in request.query_arguments.items()},
            body=b"".join(self._chunks),
            remote_ip=request.remote_ip or "",
            raw=request,
        )

    def _write(self, response: HttpResponse) -> None:
        self.set_status(response.status)
        for name, value in response.headers.items():
            self.set_header(name, value)
        self.finish(response.body or None)

    async def _serve(self) -> None:
        request = self._request()
        if request is not None:
            # ``self.config.apps``: path_deploy_http swaps the apps per request.
            self._write(await self.config.handle(request, self.config.apps))

    async def get(self, *args: Any, **kwargs: Any) -> None:
        await self._serve()

    async def post(self, *args: Any, **kwargs: Any) -> None:
        await self._serve()

    async def options(self, *args: Any, **kwargs: Any) -> None:
        await self._serve()


def webio_handler(
    applications: Any,
    cdn: bool | str = True,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    *,
    static_url_prefix: str = STATIC_URL_PREFIX,
    max_payload_size: int | str = "200M",
) -> type[tornado.web.RequestHandler]:
    """The ``RequestHandler`` class running ``applications`` over HTTP in your Tornado app.

    The arguments mean the same as for :func:`start_server`; add
    :func:`~pywebio_nb.platform.tornado.static_route` for the frontend files.
    """
    config = HttpCore(
        applications,
        cdn=cdn,
        static_url_prefix=static_url_prefix,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        max_payload_size=max_payload_size,
        backend="tornado",
    )
    return type("WebIOHttpHandler", (_HttpHandler,), {"config": config})


def _make_application(
    applications: Any,
    *,
    debug: bool = False,
    cdn: bool | str = True,
    static_dir: str | None = None,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    max_payload_size: int | str = "200M",
    **tornado_app_settings: Any,
) -> tuple[tornado.web.Application, HttpCore]:
    handler = webio_handler(
        applications,
        cdn=cdn,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        max_payload_size=max_payload_size,
    )
    application = make_application(
        [(r"/", handler), static_route()],
        debug=debug,
        static_dir=static_dir,
        max_payload_size=max_payload_size,
        **tornado_app_settings,
    )
    config: HttpCore = handler.config  # type: ignore[attr-defined]
    return application, config


def start_server(
    applications: Any,
    port: int = 8080,
    host: str = "",
    debug: bool = False,
    cdn: bool | str = True,
    static_dir: str | None = None,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    auto_open_webbrowser: bool = False,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    max_payload_size: int | str = "200M",
    **tornado_app_settings: Any,
) -> ServerHandle | None:
    """Serve PyWebIO applications with Tornado over HTTP polling; blocks until stopped.

    :param session_expire_seconds: a session that sends no request for this
        long is closed (default 60).
    :param session_cleanup_interval: how often expired sessions are looked for,
        in seconds (default 120).
    :param max_payload_size: largest request body accepted (an uploaded file
        travels in chunks of at most 1 MB).

    The other arguments mean the same as for
    :func:`pywebio_nb.platform.tornado.start_server`. In a notebook the server
    runs in the background and the :class:`ServerHandle` is returned.
    """
    application, config = _make_application(
        applications,
        debug=debug,
        cdn=cdn,
        static_dir=static_dir,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
        max_payload_size=max_payload_size,
        **tornado_app_settings,
    )
    return serve(
        application,
        port=port,
        host=host,
        max_payload_size=max_payload_size,
        on_shutdown=config.close_all,
        auto_open_webbrowser=auto_open_webbrowser,
    )


def _start_server_in_thread(
    applications: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    max_payload_size: int | str = "200M",
    **kwargs: Any,
) -> ServerHandle:
    """Start an HTTP-polling server in a daemon thread (tests, benchmarks)."""
    application, config = _make_application(
        applications, max_payload_size=max_payload_size, **kwargs
    )
    return start_in_thread(
        application,
        host=host,
        port=port,
        max_payload_size=max_payload_size,
        on_shutdown=config.close_all,
    )
