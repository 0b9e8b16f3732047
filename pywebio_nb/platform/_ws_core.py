"""What one WebSocket connection does, whatever web framework carries it.

Tornado, aiohttp and Starlette/FastAPI each accept a WebSocket their own way,
then hand the connection to a :class:`WebIOConnection`, which speaks the
PyWebIO protocol over it with the shared session core:

* :meth:`WebIOConnection.on_open`: a first connection (``?session=NEW``, or no
  ``session`` argument) starts a session of the app; a page that dropped comes
  back with ``?session=<id>&ack=<batches applied>`` and gets exactly what it
  missed (``SessionManager.resume``). An unknown, expired or closed session is
  refused with close code :data:`SESSION_GONE` (4404), which the page shows as
  such. A newer connection of the same session supersedes the older one (the
  older socket is closed, its end no longer touches the session).
* :meth:`on_text` / :meth:`on_binary`: one event (JSON text) or one uploaded
  chunk (a binary frame, see ``_ws_transport``) to the session.
* :meth:`on_close`: ``clean`` (the page sent a close frame: the tab closed, the
  page navigated away) ends the session now; a drop (no close frame) keeps it
  ``reconnect_timeout`` seconds for the page to come back.

The framework side supplies the transport (how frames are written) and how to
close its socket. Tornado writes frames synchronously
(``_ws_transport.WebSocketTransport``); frameworks whose send is a coroutine
use :class:`AsyncWebSocketTransport`, which writes from one task per
connection so frames keep their order.

The origin check, app selection and payload limit happen before a connection
reaches this module (each framework refuses them its own way: HTTP 403 or 404,
close code 1009).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..protocol import Command, ProtocolError, dumps_batch, loads_event
from ..session._base import Session, Transport
from ..session._blobs import Blob
from ._apps import AppFunc, normalize_apps
from ._info import SessionInfo, _first_language
from ._origin import OriginCheck, make_origin_check
from ._page import static_base_url
from ._sessions import SessionManager
from ._ws_transport import blob_frames, decode_upload_frame

__all__ = [
    "SESSION_GONE",
    "AsyncWebSocketTransport",
    "WebIOConfig",
    "WebIOConnection",
    "make_session_info",
    "too_big",
]

logger = logging.getLogger("pywebio_nb.platform")

#: WebSocket close code: the session asked for is gone (expired, closed, unknown).
SESSION_GONE = 4404
#: WebSocket close code of a message over the payload limit (RFC 6455).
MESSAGE_TOO_BIG = 1009
#: WebSocket close code a server reports when the connection ended without a close frame.
ABNORMAL_CLOSURE = 1006


@dataclass
class WebIOConfig:
    """The apps of one handler and what its connections share.

    ``live`` holds the connections serving a session now (closed when the
    server stops); ``sessions`` every session by id, including those waiting
    for their page to come back.
    """

    apps: dict[str, AppFunc]
    origin_check: OriginCheck
    static_url_prefix: str
    live: set[Any] = field(default_factory=set)
    sessions: SessionManager = field(default_factory=SessionManager)
    #: ``cdn`` of webio_handler: a URL string serves the frontend files from there.
    cdn: bool | str = True

    @classmethod
    def create(
        cls,
        applications: Any,
        *,
        static_url_prefix: str,
        cdn: bool | str,
        reconnect_timeout: float,
        allowed_origins: Sequence[str] | None,
        check_origin: Callable[[str], bool] | None,
    ) -> WebIOConfig:
        """The config of a handler from ``webio_handler``'s arguments (any framework)."""
        return cls(
            normalize_apps(applications),
            make_origin_check(allowed_origins, check_origin),
            static_url_prefix,
            sessions=SessionManager(reconnect_timeout),
            cdn=cdn,
        )

    def static_base(self) -> str:
        return static_base_url(self.cdn, self.static_url_prefix)

    def close_all(self) -> None:
        """Close every session: those with a connection, then those waiting for one."""
        for connection in list(self.live):
            connection.close_session()
        self.sessions.close_all()

    async def aclose_all(self, timeout: float = 5.0) -> None:
        """:meth:`close_all`, then wait until each page's last frames are written.

        aiohttp and Starlette write from a task per connection and their
        servers close every connection right after this: without the wait a
        page could lose its ``close_session``. At most ``timeout`` seconds (a
        peer that stopped reading does not hold the shutdown).
        """
        transports = [connection.transport for connection in self.live]
        self.close_all()
        writers = [
            transport._writer
            for transport in transports
            if isinstance(transport, AsyncWebSocketTransport)
            and transport._writer is not None
            and not transport._writer.done()
        ]
        if writers:
            await asyncio.wait(writers, timeout=timeout)


class WebIOConnection:
    """The PyWebIO side of one WebSocket connection (see the module docstring).

    ``transport`` writes this connection's frames; ``close_socket(code,
    reason)`` closes its socket (after the frames already queued). Every
    method runs on the server's event loop thread.
    """

    # One per open connection: no instance dict.
    __slots__ = ("_close_socket", "config", "session", "transport")

    def __init__(
        self,
        config: WebIOConfig,
        transport: Transport,
        close_socket: Callable[[int, str], None],
    ) -> None:
        self.config = config
        #: None once the socket closed (see :meth:`on_close`).
        self.transport: Transport | None = transport
        self._close_socket = close_socket
        self.session: Session | None = None

    def on_open(
        self,
        app: AppFunc,
        *,
        session_id: str | None,
        ack: str | None,
        info: Callable[[], Any],
    ) -> None:
        """The socket is open: start a session of ``app``, or resume ``session_id``.

        ``session_id`` and ``ack`` are the query arguments as they came (None
        when absent); ``info()`` builds the ``session.info`` of a new session.
        """
        if self.transport is None:
            return  # closed before it opened
        if session_id not in (None, "", "NEW"):
            self._resume(session_id, ack, self.transport)
            return
        self.session = self.config.sessions.create(app, self.transport, owner=self, info=info())
        self.config.live.add(self)

    def _resume(self, session_id: str, ack: str | None, transport: Transport) -> None:
        try:
            applied = int(ack if ack is not None else "0")
        except ValueError:
            applied = -1  # nonsense: the session answers with a full resync
        sessions = self.config.sessions
        previous = sessions.owner(session_id)
        session = sessions.resume(session_id, transport, applied, owner=self)
        if session is None:
            # Expired, closed, unknown (a restarted server): the page says so.
            self._close_socket(SESSION_GONE, "session expired")
            return
        if isinstance(previous, WebIOConnection) and previous is not self:
            previous.session = None  # superseded: its close must not touch the session
            self.config.live.discard(previous)
            previous._close_socket(1000, "")
        self.session = session
        self.config.live.add(self)

    def on_text(self, message: str | bytes) -> Awaitable[None] | None:
        """One text frame from the page: an event.

        Returns an awaitable when the event woke a coroutine waiting on this
        loop (an ``await input()``): a server that awaits it before reading
        the next frame lets the app answer first, ahead of the reading
        machinery (coroutine app, input() round trip: about -20 us of ~330).
        """
        session = self.session
        if session is None:
            return None
        try:
            event = loads_event(message)
        except ProtocolError as exc:
            logger.warning("ignored a WebSocket frame (%s): %.200r", exc, message)
            return None
        if session.dispatch(event) and session.awaiting():
            return _next_turn()
        return None

    def on_binary(self, message: bytes) -> None:
        """One binary frame from the page: a chunk of an uploaded file."""
        session = self.session
        if session is None:
            return
        try:
            event, chunk = decode_upload_frame(message)
        except ProtocolError as exc:
            logger.warning("ignored a binary WebSocket frame of %d bytes: %s", len(message), exc)
            return
        session.dispatch(event, [chunk])

    def on_close(self, *, clean: bool) -> None:
        """The socket closed; ``clean``: the page sent a close frame (it left)."""
        self.config.live.discard(self)
        session, self.session = self.session, None
        # The framework's handler holds this connection, and the transport and
        # the socket closer hold the handler: let go of both, so a closed
        # connection is freed at once rather than by the cyclic GC. (A session
        # waiting for its page to come back keeps the transport meanwhile.)
        self.transport = None
        self._close_socket = _socket_closed
        if session is not None:
            self.config.sessions.connection_lost(session, owner=self, clean=clean)

    def close_session(self) -> None:
        """Close this connection's session and socket (the server stops).

        The page gets ``close_session`` before its socket closes: it shows the
        session as ended instead of taking the close for a drop and dialling
        a server that is going away.
        """
        session = self.session
        if session is not None:
            session.close()  # close_session, deferred calls, waiters woken
        close_socket = self._close_socket
        self.on_close(clean=True)
        close_socket(1000, "")


def _next_turn() -> asyncio.Future[None]:
    """A future of the running loop that is done on its next turn.

    Awaited, the caller's task runs after the callbacks already scheduled
    (the app task the event woke), not before them.
    """
    future = asyncio.get_running_loop().create_future()
    future.get_loop().call_soon(_resolve, future)
    return future


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():  # a cancelled wait (the connection went away)
        future.set_result(None)


def _socket_closed(code: int, reason: str) -> None:
    """The socket closer of a closed connection: nothing left to close."""


class AsyncWebSocketTransport(Transport):
    """A session's WebSocket whose framework sends with coroutines (aiohttp, Starlette).

    One text frame per batch, blob chunks as binary frames before it (as
    ``_ws_transport.WebSocketTransport``). Batches may come from any thread;
    they queue in delivery order and one writer task per connection, on
    ``loop``, awaits ``send_text``/``send_bytes`` for each in turn, so frames
    never overtake one another. A failed send (the peer went away) drops what
    is left: the session learns of the loss from the framework's receive side.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        send_text: Callable[[str], Awaitable[Any]],
        send_bytes: Callable[[bytes], Awaitable[Any]],
        close_socket: Callable[[int, str], Awaitable[Any]],
    ) -> None:
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self._send_text = send_text
        self._send_bytes = send_bytes
        self._close = close_socket
        self._outbox: deque[str | bytes] = deque()
        self._lock = threading.Lock()
        self._kick_scheduled = False
        self._writing = False
        self._writer: asyncio.Task[None] | None = None
        self._close_code: tuple[int, str] | None = None
        self._broken = False

    def _on_loop(self) -> bool:
        return threading.get_ident() == self._loop_thread

    def request_flush(self) -> None:
        # Everything the app buffers until this callback runs travels in one frame.
        session = self.__dict__.get("session")
        if session is not None:  # None: closed meanwhile (see close)
            self._call_soon(session.flush)

    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        text = dumps_batch(batch)
        frames = [frame for blob in blobs for frame in blob_frames(blob)]
        with self._lock:
            if self._broken:
                return
            self._outbox.extend(frames)  # the bytes first: the batch refers to them
            self._outbox.append(text)
            schedule = not self._on_loop() and not self._kick_scheduled
            if schedule:
                self._kick_scheduled = True
        if self._on_loop():
            self._kick()
        elif schedule:
            self._call_soon(self._kick)

    def _call_soon(self, callback: Callable[[], None]) -> None:
        try:
            self._loop.call_soon_threadsafe(callback)
        except RuntimeError:  # the loop closed: the server stopped
            pass

    def _kick(self) -> None:
        """Start the writer task unless it runs (on the loop thread)."""
        with self._lock:
            self._kick_scheduled = False
        if not self._writing:
            self._writing = True
            self._writer = self._loop.create_task(self._write_all())

    async def _write_all(self) -> None:
        while True:
            with self._lock:
                if not self._outbox:
                    break
                frame = self._outbox.popleft()
            try:
                if isinstance(frame, bytes):
                    await self._send_bytes(frame)
                else:
                    await self._send_text(frame)
            except Exception as exc:  # the peer went away meanwhile
                logger.debug("WebSocket send failed (%s); dropping the frames left", exc)
                with self._lock:
                    self._broken = True
                    self._outbox.clear()
                break
        # No await between the empty outbox and here: _kick sees either a
        # running writer (which takes new frames) or none (and starts one).
        close, self._close_code = self._close_code, None
        if close is not None:
            self._broken = True
            try:
                await self._close(*close)
            except Exception as exc:
                logger.debug("WebSocket close failed: %s", exc)
        self._writing = False

    def close(self) -> None:
        # The session's last call: let go of it (no session <-> transport cycle).
        self.__dict__.pop("session", None)
        self.close_socket(1000, "")

    def close_socket(self, code: int, reason: str) -> None:
        """Close the socket with ``code`` once the queued frames are written (any thread)."""
        if self._on_loop():
            self._close_after_drain(code, reason)
        else:
            self._call_soon(lambda: self._close_after_drain(code, reason))

    def _close_after_drain(self, code: int, reason: str) -> None:
        if self._close_code is None:
            self._close_code = (code, reason)
        if not self._writing:
            self._writing = True
            self._writer = self._loop.create_task(self._write_all())


def too_big(message: str | bytes, limit: int) -> bool:
    """True when ``message`` is over ``limit`` bytes (as UTF-8 for text)."""
    if isinstance(message, bytes):
        return len(message) > limit
    # A character is 1 to 4 bytes: encode only when the length alone cannot decide.
    if len(message) > limit:
        return True
    return len(message) * 4 > limit and len(message.encode()) > limit


def make_session_info(
    headers: Mapping[str, str],
    *,
    user_ip: str | None,
    backend: str,
    request: Any,
    protocol: str = "websocket",
) -> SessionInfo:
    """The ``session.info`` of a connection from its request headers (any framework).

    ``headers`` must look names up case-insensitively (every framework's do).
    """
    return SessionInfo(
        user_agent=headers.get("User-Agent", ""),  # parsed on first access
        user_language=_first_language(headers.get("Accept-Language", "")),
        server_host=headers.get("Host", ""),
        origin=headers.get("Origin", ""),
        user_ip=user_ip or "",
        backend=backend,
        protocol=protocol,
        request=request,
    )
