"""The session transport over one Tornado WebSocket.

Each batch of commands becomes ONE JSON text frame. The session may deliver
from any thread (an app thread flushes before it blocks on ``input()``), but a
Tornado connection may only be written on its IOLoop thread: batches from other
threads are encoded where they are produced and handed to the loop with
``call_soon_threadsafe``. ``request_flush`` schedules ``session.flush`` on the
loop, so everything an app outputs until that callback runs travels in one frame.
(The asyncio loop's own ``call_soon`` rather than Tornado's ``add_callback``,
which wraps each callback in two more Python calls and a ``functools.partial``.)

Blob bytes travel as binary frames queued before the batch's text frame, one
chunk (at most ``CHUNK_SIZE`` bytes) per frame: ``u32 big-endian length of the
header | header: the UTF-8 JSON of the chunk's ``blob`` command | the chunk``
(``protocol.BlobSpec``). The server's payload limit applies to incoming frames
only.

Uploaded files come the other way in the same framing: each binary frame from
the browser is ``u32 big-endian length of the header | header: the UTF-8 JSON
of an ``upload_chunk`` event | the chunk`` (``protocol.UploadChunkData``, at
most 1 MB per chunk), decoded by :func:`decode_upload_frame`. The payload
limit (``max_payload_size``) applies to each frame, so it never needs to be
as large as a file.
"""

from __future__ import annotations

import asyncio
import functools
import json
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any

import tornado.websocket

from ..protocol import Command, ProtocolError, dumps_batch_utf8, loads_event, make_command
from ..session._base import Transport
from ..session._blobs import Blob

__all__ = ["WebSocketTransport", "blob_frames", "decode_upload_frame"]

#: Largest JSON header of an incoming binary frame (an event is a few hundred bytes).
MAX_UPLOAD_HEADER = 4096


def blob_frames(blob: Blob) -> list[bytes]:
    """The binary frames that carry ``blob``, in order (one chunk each)."""
    frames = []
    for spec, chunk in blob.chunks():
        header = json.dumps(make_command("blob", spec), separators=(",", ":")).encode()
        frames.append(b"".join((struct.pack(">I", len(header)), header, chunk)))
    return frames


def decode_upload_frame(frame: bytes) -> tuple[Any, memoryview]:
    """Split a binary frame from the browser into (its ``upload_chunk`` event, the chunk).

    The chunk is a view of ``frame``, not a copy. Raises :class:`ProtocolError`
    saying what was wrong.
    """
    if len(frame) < 4:
        raise ProtocolError(f"a binary frame of {len(frame)} bytes has no header")
    (length,) = struct.unpack_from(">I", frame)
    if length > MAX_UPLOAD_HEADER or 4 + length > len(frame):
        raise ProtocolError(
            f"a binary frame announces a header of {length} bytes; expected at most "
            f"{min(MAX_UPLOAD_HEADER, len(frame) - 4)}"
        )
    try:
        event = loads_event(bytes(frame[4 : 4 + length]))
    except ProtocolError as exc:
        raise ProtocolError(f"a binary frame's header: {exc}") from None
    if not isinstance(event, dict) or event.get("event") != "upload_chunk":
        raise ProtocolError(f"a binary frame must carry an upload_chunk event, got {event!r:.200}")
    return event, memoryview(frame)[4 + length :]


class WebSocketTransport(Transport):
    """One session's WebSocket: one text frame per batch, written on the IOLoop thread."""

    def __init__(
        self, handler: tornado.websocket.WebSocketHandler, loop: asyncio.AbstractEventLoop
    ) -> None:
        """``loop``: the asyncio loop the handler's IOLoop runs on (made on its thread)."""
        self._handler = handler
        self._loop = loop
        self._loop_thread = threading.get_ident()
        # Frames wait here in delivery order: a batch written at once on the loop
        # must never overtake one an app thread delivered just before it.
        # A list, not a deque: empty almost always, and an empty deque takes 600 bytes.
        # Each frame is (its bytes, whether it is binary): a batch's JSON goes as
        # the UTF-8 bytes orjson makes, which Tornado sends as they are.
        self._outbox: list[tuple[bytes, bool]] = []
        self._outbox_lock = threading.Lock()
        self._drain_scheduled = False
        #: A ``_flush_due`` timer is pending (see request_flush_later).
        self._due_scheduled = False

    def _on_loop(self) -> bool:
        return threading.get_ident() == self._loop_thread

    def _from_thread(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the loop, from another thread; nothing once the loop closed."""
        try:
            self._loop.call_soon_threadsafe(callback)
        except RuntimeError:  # the server stopped and closed its loop: nobody to write to
            pass

    def request_flush(self) -> None:
        # Everything the app buffers until this callback runs travels in one frame.
        session = self.__dict__.get("session")
        if session is None:  # closed meanwhile (see close)
            return
        if self._on_loop():
            self._loop.call_soon(session.flush)
            return
        # From another thread (an app or callback thread) the callback also
        # drains: the thread usually flushes by itself before the loop gets to
        # run it (an input() flushes before it blocks), and then its batch
        # needs no wake-up of its own (see deliver's ``schedule``).
        with self._outbox_lock:
            self._drain_scheduled = True
        self._from_thread(self._flush_and_drain)

    def request_flush_later(self, delay: float) -> None:
        if self.__dict__.get("session") is None:  # closed meanwhile
            return
        with self._outbox_lock:
            if self._due_scheduled:  # one timer per connection at a time
                return
            self._due_scheduled = True
        if self._on_loop():
            self._loop.call_later(delay, self._flush_due)
        else:
            self._from_thread(functools.partial(self._call_later, delay, self._flush_due))

    def _call_later(self, delay: float, callback: Callable[[], None]) -> None:
        self._loop.call_later(delay, callback)

    def _flush_due(self) -> None:
        # Cleared before the session is asked: a thread that buffers meanwhile
        # either finds it cleared and asks again, or buffered before the ask.
        with self._outbox_lock:
            self._due_scheduled = False
        session = self.__dict__.get("session")
        if session is not None:
            left = session.flush_due()
            if left > 0:
                with self._outbox_lock:
                    again = not self._due_scheduled
                    self._due_scheduled = True
                if again:
                    self._loop.call_later(left, self._flush_due)
        self._drain()

    def _flush_and_drain(self) -> None:
        session = self.__dict__.get("session")
        if session is not None:
            session.flush()
        self._drain()

    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        text = dumps_batch_utf8(batch)
        with self._outbox_lock:
            if blobs:  # the bytes first: the batch refers to them
                self._outbox.extend((frame, True) for blob in blobs for frame in blob_frames(blob))
            self._outbox.append((text, False))
            schedule = not self._drain_scheduled and not self._on_loop()
            if schedule:
                self._drain_scheduled = True
        if self._on_loop():
            self._drain()
        elif schedule:
            self._from_thread(self._drain)

    def _drain(self) -> None:
        """Write every queued frame, oldest first (on the loop thread)."""
        while True:
            with self._outbox_lock:
                frames, self._outbox = self._outbox, []
                if not frames:
                    self._drain_scheduled = False
                    return
            for frame, binary in frames:
                self._write(frame, binary)

    def _write(self, frame: bytes, binary: bool) -> None:
        if self._handler.ws_connection is None:
            return  # the browser went away; the session is closing
        try:
            future = self._handler.write_message(frame, binary=binary)
        except tornado.websocket.WebSocketClosedError:
            return
        if future.done():  # written at once (the usual case): no callback to schedule
            _retrieve_exception(future)
        else:
            future.add_done_callback(_retrieve_exception)

    def close(self) -> None:
        # The session closes (this is its last call): let go of it, so the two
        # do not wait for the cyclic GC. A send that raced the close finds no
        # session in request_flush; the session itself refuses anything later.
        self.__dict__.pop("session", None)
        if self._on_loop():
            self._close_after_drain()
        else:
            self._from_thread(self._close_after_drain)

    def _close_after_drain(self) -> None:
        self._drain()
        self._handler.close()


def _retrieve_exception(future: Any) -> None:
    # A write to a socket closed meanwhile fails; that is not an error worth a log.
    if not future.cancelled():
        future.exception()
