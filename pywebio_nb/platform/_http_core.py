"""The HTTP polling protocol, independent of any web framework.

Tornado (``tornado_http``), Flask and Django all speak the same protocol to
the page; this module holds it once. An adapter turns its framework's request
into an :class:`HttpRequest`, awaits :meth:`HttpCore.handle` on the core's
event loop and writes the :class:`HttpResponse` back. As in PyWebIO, one URL
serves the page and the session: a GET without the ``webio-session-id`` header
returns the page (which then speaks HTTP, not WebSocket); with the header,
requests carry the session:

* ``GET`` with ``webio-session-id: NEW`` starts a session; the response's
  ``webio-session-id`` header names it. Later ``GET`` requests *poll*: they
  carry ``webio-ack: N`` (the batches the page applied) and return the
  batches after N, waiting up to :data:`POLL_SECONDS` for one when there is
  none (a long poll: output reaches the page as soon as it exists; PyWebIO
  polls every ``http_pull_interval`` ms instead, which ``set_env`` still sets
  here as the pause between two polls).
* ``POST`` sends events: a JSON array of events, or one uploaded chunk as
  ``application/octet-stream`` in the WebSocket's binary framing. It answers
  ``204`` at once; what the app outputs in response arrives by the poll. A
  body over ``max_payload_size`` answers ``413``.

A poll's response (``application/octet-stream``) is a sequence of records
``u8 kind | u32 big-endian length | payload``: kind 0 is a batch (the UTF-8
JSON array of commands), kind 1 a blob chunk (the WebSocket's binary frame:
``u32 header length | blob command JSON | bytes``), always before the batch
that uses it. Batches come from the session's replay log
(``session._replay``), so a lost response is simply asked for again: the next
poll's ``webio-ack`` says what arrived. A session nobody polls for
``session_expire_seconds`` is closed (checked every
``session_cleanup_interval`` seconds); an unknown or expired session answers
``410 Gone``.

Threads: every method of :class:`HttpCore` runs on one asyncio loop (the
first :meth:`~HttpCore.handle` call fixes it), like the WebSocket server's
session code. Tornado awaits it on its own loop; the WSGI adapters (Flask,
Django) block their worker thread in :func:`handle_blocking`, which runs the
request on the platform loop (``_event_loop``) — a poll therefore holds a
worker thread for up to :data:`POLL_SECONDS`.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..protocol import Command, ProtocolError, dumps_batch_utf8, loads_event
from ..session._base import Transport
from ..session._blobs import Blob
from ..session._replay import Delivered
from ._apps import (
    AppFunc,
    AppNotFound,
    index_links_html,
    make_index_app,
    normalize_apps,
    parse_size,
    select_app,
)
from ._event_loop import platform_loop
from ._info import SessionInfo, _first_language
from ._origin import make_origin_check
from ._page import render_app_page, render_index_page, static_base_url
from ._sessions import SessionManager
from ._ws_transport import blob_frames, decode_upload_frame

__all__ = [
    "DEFAULT_SESSION_CLEANUP_INTERVAL",
    "DEFAULT_SESSION_EXPIRE_SECONDS",
    "POLL_SECONDS",
    "HttpCore",
    "HttpRequest",
    "HttpResponse",
    "encode_records",
    "handle_blocking",
    "read_body",
]

logger = logging.getLogger("pywebio_nb.platform")

#: Longest a poll waits for output before answering with nothing.
POLL_SECONDS = 20.0
#: Defaults of the manual (``tornado_http``).
DEFAULT_SESSION_EXPIRE_SECONDS = 60.0
DEFAULT_SESSION_CLEANUP_INTERVAL = 120.0
#: Longest an ended session waits for its page to fetch what it said last.
CLOSED_GRACE_SECONDS = 10.0
#: Record kinds of a poll's response.
KIND_BATCH = 0
KIND_BLOB = 1
SESSION_HEADER = "webio-session-id"
ACK_HEADER = "webio-ack"
_TEXT = "text/plain; charset=utf-8"


def encode_records(entries: Sequence[Delivered]) -> bytes:
    """A poll's response body: every entry's blob chunks, then its batch."""
    parts: list[bytes] = []
    for entry in entries:
        for blob in entry.blobs:
            for frame in blob_frames(blob):
                parts.append(struct.pack(">BI", KIND_BLOB, len(frame)))
                parts.append(frame)
        text = dumps_batch_utf8(entry.batch)
        parts.append(struct.pack(">BI", KIND_BATCH, len(text)))
        parts.append(text)
    return b"".join(parts)


@dataclass
class HttpRequest:
    """One request as every framework has it.

    ``headers`` are looked up case-insensitively (:meth:`header`); ``raw`` is
    the framework's own request object (``session.info.request``).
    """

    method: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes = b""
    remote_ip: str = ""
    raw: Any = None
    _lower: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lower = {k.lower(): v for k, v in self.headers.items()}

    def header(self, name: str, default: str | None = None) -> str | None:
        return self._lower.get(name.lower(), default)


@dataclass
class HttpResponse:
    """What an adapter writes back: status, headers, body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _text(status: int, message: str) -> HttpResponse:
    return HttpResponse(status, {"Content-Type": _TEXT}, (message + "\n").encode())


class HttpTransport(Transport):
    """Wakes the pending poll of one session; the replay log holds the batches."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._changed = asyncio.Event()  # created on the loop thread (in handle)

    def _soon(self, callback: Callable[[], Any]) -> None:
        try:
            self._loop.call_soon_threadsafe(callback)
        except RuntimeError:  # the loop closed: the server stopped
            pass

    def request_flush(self) -> None:
        self._soon(self.session.flush)

    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        # Session._deliver has put the batch in the replay log already.
        self._soon(self._changed.set)

    def close(self) -> None:
        self._soon(self._changed.set)

    async def wait(self, timeout: float) -> None:
        """Until something is delivered (or the session closes), at most ``timeout`` s."""
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def clear(self) -> None:
        self._changed.clear()


class HttpCore:
    """The sessions of one set of apps served over HTTP polling, and their requests.

    The arguments mean what they mean for ``tornado_http.start_server``;
    ``backend`` is what ``session.info.backend`` says (``'tornado'``,
    ``'flask'``, ``'django'``).
    """

    def __init__(
        self,
        applications: Any,
        *,
        cdn: bool | str = True,
        static_url_prefix: str,
        allowed_origins: Sequence[str] | None = None,
        check_origin: Callable[[str], bool] | None = None,
        session_expire_seconds: float | None = None,
        session_cleanup_interval: float | None = None,
        max_payload_size: int | str = "200M",
        backend: str = "tornado",
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.apps: dict[str, AppFunc] = normalize_apps(applications)
        self.origin_check = make_origin_check(allowed_origins, check_origin)
        self.static_base = static_base_url(cdn, static_url_prefix)
        self.expire_seconds = float(session_expire_seconds or DEFAULT_SESSION_EXPIRE_SECONDS)
        self.cleanup_interval = float(session_cleanup_interval or DEFAULT_SESSION_CLEANUP_INTERVAL)
        self.max_payload_size = parse_size(max_payload_size)
        self.backend = backend
        self.poll_seconds = poll_seconds
        self.sessions = SessionManager(0)
        self.last_seen: dict[str, float] = {}
        self.polling: dict[str, int] = {}  # session id -> polls in flight
        self.loop: asyncio.AbstractEventLoop | None = None
        self._cleaner: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------------ expiry
    def touch(self, session_id: str) -> None:
        self.last_seen[session_id] = time.monotonic()
        if self._cleaner is None and self.loop is not None:
            self._cleaner = self.loop.call_later(self.cleanup_interval, self._sweep)

    def _sweep(self) -> None:
        self._cleaner = None
        self.cleanup()
        if len(self.sessions) and self.loop is not None and not self.loop.is_closed():
            self._cleaner = self.loop.call_later(self.cleanup_interval, self._sweep)

    def cleanup(self) -> int:
        """Close the sessions nobody polled for ``expire_seconds``; returns how many."""
        now = time.monotonic()
        expired = 0
        for session_id in self.sessions.ids():
            session = self.sessions.get(session_id)
            idle = now - self.last_seen.get(session_id, now)
            closed = session is None or session.closed
            # A session that just ended still owes its page the last batches (and
            # close_session): its next poll is due in milliseconds, so keep it a
            # little; the poll that finds nothing more ends it (410).
            limit = (
                min(self.expire_seconds, CLOSED_GRACE_SECONDS) if closed else self.expire_seconds
            )
            if self.polling.get(session_id) or idle < limit:
                continue
            if session is not None and not session.closed:
                logger.info("session %s: no request for %.0f s, closing", session_id, idle)
            self.sessions.end(session_id)
            self.last_seen.pop(session_id, None)
            self.polling.pop(session_id, None)
            expired += 1
        return expired

    def close_all(self) -> None:
        """Close every session (the server stops); call it on the core's loop."""
        if self._cleaner is not None:
            self._cleaner.cancel()
            self._cleaner = None
        self.sessions.close_all()

    # ---------------------------------------------------------------- requests
    def too_large(self, content_length: int | None) -> HttpResponse | None:
        """The 413 answer when a body of ``content_length`` bytes is over the limit.

        Adapters call it before reading the body, so an over-limit body is never read.
        """
        if content_length is not None and content_length > self.max_payload_size:
            return _text(
                413,
                f"request body of {content_length} bytes is over max_payload_size "
                f"({self.max_payload_size} bytes)",
            )
        return None

    async def handle(
        self, request: HttpRequest, apps: dict[str, AppFunc] | None = None
    ) -> HttpResponse:
        """Answer one request (the page, a new session, a poll, events).

        ``apps``: the apps this request may start, when not :attr:`apps`
        (``path_deploy_http`` decides them per request path).
        """
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        if request.method == "GET":
            return await self._get(request, self.apps if apps is None else apps)
        if request.method == "POST":
            return self._post(request)
        if request.method == "OPTIONS":
            return HttpResponse(204, {"Allow": "GET, POST, OPTIONS"})
        return _text(405, f"method {request.method} not allowed; expected GET, POST or OPTIONS")

    def _origin_allowed(self, request: HttpRequest) -> bool:
        origin = request.header("Origin")
        return origin is None or self.origin_check(origin, request.header("Host", "") or "")

    def _info(self, request: HttpRequest) -> SessionInfo:
        from user_agents import parse as parse_user_agent

        return SessionInfo(
            user_agent=parse_user_agent(request.header("User-Agent", "") or ""),
            user_language=_first_language(request.header("Accept-Language", "") or ""),
            server_host=request.header("Host", "") or "",
            origin=request.header("Origin", "") or "",
            user_ip=request.remote_ip,
            backend=self.backend,
            protocol="http",
            request=request.raw,
        )

    async def _get(self, request: HttpRequest, apps: dict[str, AppFunc]) -> HttpResponse:
        session_id = request.header(SESSION_HEADER)
        try:
            name, app = select_app(apps, request.query.get("app"))
        except AppNotFound as exc:
            return _text(404, str(exc))
        if session_id is None:
            html_headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}
            if app is None:
                page = render_index_page(index_links_html(apps))
                return HttpResponse(200, html_headers, page.encode())
            page = render_app_page(app, name, self.static_base)
            # The bundle reads which protocol this server speaks from the root element.
            page = page.replace(
                '<div id="pywebio-nb-root"', '<div id="pywebio-nb-root" data-transport="http"', 1
            )
            return HttpResponse(200, html_headers, page.encode())
        if not self._origin_allowed(request):
            return _text(403, "cross-origin request refused")
        if session_id == "NEW":
            return self._new_session(request, app if app is not None else make_index_app(apps))
        return await self._poll(session_id, request)

    def _new_session(self, request: HttpRequest, app: AppFunc) -> HttpResponse:
        assert self.loop is not None
        session = self.sessions.create(
            app, HttpTransport(self.loop), owner=None, info=self._info(request), replay=True
        )
        assert session.session_id is not None
        self.touch(session.session_id)
        # The first poll brings set_session_id and the first output.
        return HttpResponse(200, self._poll_headers(session.session_id), b"")

    @staticmethod
    def _poll_headers(session_id: str) -> dict[str, str]:
        return {
            SESSION_HEADER: session_id,
            "Content-Type": "application/octet-stream",
            "Cache-Control": "no-store",
        }

    async def _poll(self, session_id: str, request: HttpRequest) -> HttpResponse:
        session = self.sessions.get(session_id)
        if session is None:
            return _text(410, "the session has ended")
        try:
            applied = int(request.header(ACK_HEADER, "0") or "0")
        except ValueError:
            applied = -1  # nonsense: a resync
        transport = session.transport
        self.touch(session_id)
        self.polling[session_id] = self.polling.get(session_id, 0) + 1
        try:
            if isinstance(transport, HttpTransport):
                transport.clear()
            session.flush()  # what the app buffered goes in this response
            entries = session.catch_up(applied)
            if not entries and not session.closed and isinstance(transport, HttpTransport):
                await transport.wait(self.poll_seconds)
                session.flush()
                entries = session.catch_up(applied)
        finally:
            self.polling[session_id] -= 1
            self.touch(session_id)
        if not entries and session.closed:
            self.sessions.end(session_id)
            return _text(410, "the session has ended")
        return HttpResponse(200, self._poll_headers(session_id), encode_records(entries))

    def _post(self, request: HttpRequest) -> HttpResponse:
        session_id = request.header(SESSION_HEADER)
        if session_id is None:
            return _text(400, f"an event request needs the {SESSION_HEADER} header")
        if not self._origin_allowed(request):
            return _text(403, "cross-origin request refused")
        too_large = self.too_large(len(request.body))
        if too_large is not None:
            return too_large
        session = self.sessions.get(session_id)
        if session is None:
            return _text(410, "the session has ended")
        self.touch(session_id)
        content_type = request.header("Content-Type", "") or ""
        if content_type.startswith("application/octet-stream"):
            try:
                event, chunk = decode_upload_frame(request.body)
            except ProtocolError as exc:
                return self._bad_request(f"not an upload frame: {exc}")
            session.dispatch(event, [chunk])
        else:
            try:
                events = loads_event(request.body)
            except ProtocolError as exc:
                return self._bad_request(str(exc))
            for event in events if isinstance(events, list) else [events]:
                session.dispatch(event)  # a malformed event is logged and skipped
        return HttpResponse(204)

    @staticmethod
    def _bad_request(message: str) -> HttpResponse:
        logger.warning("HTTP event request refused: %s", message)
        return _text(400, message)


def read_body(read: Callable[[int], bytes], limit: int) -> bytes:
    """A WSGI request body, read until its end or one byte past ``limit``.

    ``read(n)`` may return fewer bytes than asked (a raw stream, a chunked
    body), so it is called until it returns nothing.
    """
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = read(limit + 1 - size)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def handle_blocking(core: HttpCore, request: HttpRequest) -> HttpResponse:
    """Answer ``request`` from a WSGI worker thread: run it on the platform loop and wait.

    A poll blocks the calling thread for up to ``core.poll_seconds``: serve
    with a threaded server (Flask's and Django's development servers are).
    """
    future = asyncio.run_coroutine_threadsafe(core.handle(request), platform_loop())
    return future.result(core.poll_seconds + 30)
