"""Serve PyWebIO apps with Tornado over plain HTTP (``pywebio.platform.tornado_http``).

For networks where WebSockets do not get through. As in PyWebIO, one URL
serves the page and the session: a GET without the ``webio-session-id``
header returns the page (which then speaks HTTP, not WebSocket); with the
header, requests carry the session:

* ``GET`` with ``webio-session-id: NEW`` starts a session; the response's
  ``webio-session-id`` header names it. Later ``GET`` requests *poll*: they
  carry ``webio-ack: N`` (the batches the page applied) and return the
  batches after N, waiting up to ``POLL_SECONDS`` for one when there is
  none (a long poll: output reaches the page as soon as it exists; PyWebIO
  polls every ``http_pull_interval`` ms instead, which ``set_env`` still
  sets here as the pause between two polls).
* ``POST`` sends events: a JSON array of events, or one uploaded chunk as
  ``application/octet-stream`` in the WebSocket's binary framing. It answers
  ``204`` at once; what the app outputs in response arrives by the poll.

A poll's response (``application/octet-stream``) is a sequence of records
``u8 kind | u32 big-endian length | payload``: kind 0 is a batch (the UTF-8
JSON array of commands), kind 1 a blob chunk (the WebSocket's binary frame:
``u32 header length | blob command JSON | bytes``), always before the batch
that uses it. Batches come from the session's replay log
(``session._replay``), so a lost response is simply asked for again: the
next poll's ``webio-ack`` says what arrived. A session nobody polls for
``session_expire_seconds`` is closed (checked every
``session_cleanup_interval`` seconds); an unknown or expired session answers
``410 Gone``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import tornado.ioloop
import tornado.web

from ..protocol import Command, ProtocolError, loads_event
from ..session._base import Session, Transport
from ..session._blobs import Blob
from ..session._replay import Delivered
from ._apps import (
    AppFunc,
    AppNotFound,
    index_links_html,
    make_index_app,
    normalize_apps,
    select_app,
)
from ._info import session_info_from_request
from ._origin import OriginCheck, make_origin_check
from ._page import render_app_page, render_index_page, static_base_url
from ._server import ServerHandle, make_application, serve, start_in_thread
from ._sessions import SessionManager
from ._ws_transport import blob_frames, decode_upload_frame
from .tornado import STATIC_URL_PREFIX, static_route

__all__ = ["start_server", "webio_handler"]

logger = logging.getLogger("pywebio_nb.platform")

#: Longest a poll waits for output before answering with nothing.
POLL_SECONDS = 20.0
#: Defaults of the manual.
DEFAULT_SESSION_EXPIRE_SECONDS = 60.0
DEFAULT_SESSION_CLEANUP_INTERVAL = 120.0
#: Record kinds of a poll's response.
KIND_BATCH = 0
KIND_BLOB = 1
SESSION_HEADER = "webio-session-id"
ACK_HEADER = "webio-ack"


def encode_records(entries: Sequence[Delivered]) -> bytes:
    """A poll's response body: every entry's blob chunks, then its batch."""
    parts: list[bytes] = []
    for entry in entries:
        for blob in entry.blobs:
            for frame in blob_frames(blob):
                parts.append(struct.pack(">BI", KIND_BLOB, len(frame)))
                parts.append(frame)
        text = json.dumps(entry.batch, ensure_ascii=False, separators=(",", ":")).encode()
        parts.append(struct.pack(">BI", KIND_BATCH, len(text)))
        parts.append(text)
    return b"".join(parts)


class HttpTransport(Transport):
    """Wakes the pending poll of one session; the replay log holds the batches."""

    def __init__(self, loop: tornado.ioloop.IOLoop) -> None:
        self._loop = loop
        self._changed = asyncio.Event()  # created on the loop thread (a handler)

    def request_flush(self) -> None:
        self._loop.add_callback(self.session.flush)

    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        # Session._deliver has put the batch in the replay log already.
        self._loop.add_callback(self._changed.set)

    def close(self) -> None:
        self._loop.add_callback(self._changed.set)

    async def wait(self, timeout: float) -> None:
        """Until something is delivered (or the session closes), at most ``timeout`` s."""
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def clear(self) -> None:
        self._changed.clear()


@dataclass
class _HttpConfig:
    apps: dict[str, AppFunc]
    origin_check: OriginCheck
    static_url_prefix: str
    cdn: bool | str
    expire_seconds: float
    cleanup_interval: float
    sessions: SessionManager = field(default_factory=lambda: SessionManager(0))
    last_seen: dict[str, float] = field(default_factory=dict)
    polling: dict[str, int] = field(default_factory=dict)  # session id -> polls in flight
    cleaner: tornado.ioloop.PeriodicCallback | None = None

    def touch(self, session_id: str) -> None:
        self.last_seen[session_id] = time.monotonic()
        if self.cleaner is None:
            self.cleaner = tornado.ioloop.PeriodicCallback(
                self._sweep, self.cleanup_interval * 1000
            )
            self.cleaner.start()

    def _sweep(self) -> None:
        self.cleanup()

    def cleanup(self) -> int:
        """Close the sessions nobody polled for ``expire_seconds``; returns how many."""
        now = time.monotonic()
        expired = 0
        for session_id in self.sessions.ids():
            session = self.sessions.get(session_id)
            idle = now - self.last_seen.get(session_id, now)
            if self.polling.get(session_id) or (
                idle < self.expire_seconds and not (session is not None and session.closed)
            ):
                continue
            if session is not None and not session.closed:
                logger.info("session %s: no request for %.0f s, closing", session_id, idle)
            self.sessions.end(session_id)
            self.last_seen.pop(session_id, None)
            self.polling.pop(session_id, None)
            expired += 1
        return expired

    def close_all(self) -> None:
        if self.cleaner is not None:
            self.cleaner.stop()
            self.cleaner = None
        self.sessions.close_all()


class _HttpHandler(tornado.web.RequestHandler):
    """Page, polls and events of the apps in ``config`` (set on the subclass)."""

    config: _HttpConfig

    def _origin_allowed(self) -> bool:
        origin = self.request.headers.get("Origin")
        return origin is None or self.config.origin_check(
            origin, self.request.headers.get("Host", "")
        )

    async def get(self, *args: Any, **kwargs: Any) -> None:
        session_id = self.request.headers.get(SESSION_HEADER)
        try:
            name, app = select_app(self.config.apps, self.get_query_argument("app", None))
        except AppNotFound as exc:
            self.set_status(404)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(str(exc) + "\n")
            return
        if session_id is None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-cache")
            if app is None:
                self.finish(render_index_page(index_links_html(self.config.apps)))
                return
            page = render_app_page(
                app, name, static_base_url(self.config.cdn, self.config.static_url_prefix)
            )
            # The bundle reads which protocol this server speaks from the root element.
            self.finish(
                page.replace(
                    '<div id="pywebio-nb-root"',
                    '<div id="pywebio-nb-root" data-transport="http"',
                    1,
                )
            )
            return
        if not self._origin_allowed():
            self.send_error(403)
            return
        if session_id == "NEW":
            self._new_session(app if app is not None else make_index_app(self.config.apps))
            return
        await self._poll(session_id)

    def _new_session(self, app: AppFunc) -> None:
        transport = HttpTransport(tornado.ioloop.IOLoop.current())
        session = self.config.sessions.create(
            app,
            transport,
            owner=None,
            info=session_info_from_request(self.request, protocol="http"),
            replay=True,
        )
        assert session.session_id is not None
        self.config.touch(session.session_id)
        self.set_header(SESSION_HEADER, session.session_id)
        self.set_header("Content-Type", "application/octet-stream")
        self.set_header("Cache-Control", "no-store")
        self.finish(b"")  # the first poll brings set_session_id and the first output

    def _session(self, session_id: str) -> Session | None:
        session = self.config.sessions.get(session_id)
        if session is None:
            self.set_status(410)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("the session has ended\n")
        return session

    async def _poll(self, session_id: str) -> None:
        session = self._session(session_id)
        if session is None:
            return
        try:
            applied = int(self.request.headers.get(ACK_HEADER, "0"))
        except ValueError:
            applied = -1  # nonsense: a resync
        transport = session.transport
        config = self.config
        config.touch(session_id)
        config.polling[session_id] = config.polling.get(session_id, 0) + 1
        try:
            if isinstance(transport, HttpTransport):
                transport.clear()
            session.flush()  # what the app buffered goes in this response
            entries = session.catch_up(applied)
            if not entries and not session.closed and isinstance(transport, HttpTransport):
                await transport.wait(POLL_SECONDS)
                session.flush()
                entries = session.catch_up(applied)
        finally:
            config.polling[session_id] -= 1
            config.touch(session_id)
        if not entries and session.closed:
            config.sessions.end(session_id)
            self.set_status(410)
            self.finish("the session has ended\n")
            return
        self.set_header(SESSION_HEADER, session_id)
        self.set_header("Content-Type", "application/octet-stream")
        self.set_header("Cache-Control", "no-store")
        self.finish(encode_records(entries))

    def post(self, *args: Any, **kwargs: Any) -> None:
        session_id = self.request.headers.get(SESSION_HEADER)
        if session_id is None or not self._origin_allowed():
            self.send_error(403 if session_id is not None else 400)
            return
        session = self._session(session_id)
        if session is None:
            return
        self.config.touch(session_id)
        body = self.request.body
        if self.request.headers.get("Content-Type", "").startswith("application/octet-stream"):
            try:
                event, chunk = decode_upload_frame(body)
            except ProtocolError as exc:
                self._bad_request(f"not an upload frame: {exc}")
                return
            session.dispatch(event, [chunk])
        else:
            try:
                events = loads_event(body)
            except ProtocolError as exc:
                self._bad_request(str(exc))
                return
            for event in events if isinstance(events, list) else [events]:
                session.dispatch(event)  # a malformed event is logged and skipped
        self.set_status(204)
        self.finish()

    def _bad_request(self, message: str) -> None:
        logger.warning("HTTP event request refused: %s", message)
        self.set_status(400)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(message + "\n")


def webio_handler(
    applications: Any,
    cdn: bool | str = True,
    session_expire_seconds: float | None = None,
    session_cleanup_interval: float | None = None,
    allowed_origins: Sequence[str] | None = None,
    check_origin: Callable[[str], bool] | None = None,
    *,
    static_url_prefix: str = STATIC_URL_PREFIX,
) -> type[tornado.web.RequestHandler]:
    """The ``RequestHandler`` class running ``applications`` over HTTP in your Tornado app.

    The arguments mean the same as for :func:`start_server`; add
    :func:`~pywebio_nb.platform.tornado.static_route` for the frontend files.
    """
    config = _HttpConfig(
        normalize_apps(applications),
        make_origin_check(allowed_origins, check_origin),
        static_url_prefix,
        cdn,
        float(session_expire_seconds or DEFAULT_SESSION_EXPIRE_SECONDS),
        float(session_cleanup_interval or DEFAULT_SESSION_CLEANUP_INTERVAL),
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
) -> tuple[tornado.web.Application, _HttpConfig]:
    handler = webio_handler(
        applications,
        cdn=cdn,
        session_expire_seconds=session_expire_seconds,
        session_cleanup_interval=session_cleanup_interval,
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
    config: _HttpConfig = handler.config  # type: ignore[attr-defined]
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
