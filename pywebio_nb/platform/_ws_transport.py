"""The session transport over one Tornado WebSocket.

Each batch of commands becomes ONE JSON text frame. The session may deliver
from any thread (an app thread flushes before it blocks on ``input()``), but a
Tornado connection may only be written on its IOLoop thread: batches from other
threads are encoded where they are produced and handed to the loop with
``add_callback``. ``request_flush`` schedules ``session.flush`` on the loop, so
everything an app outputs until that callback runs travels in one frame.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from typing import Any

import tornado.ioloop
import tornado.websocket

from ..protocol import Command
from ..session._base import Transport

__all__ = ["WebSocketTransport"]


class WebSocketTransport(Transport):
    """One session's WebSocket: one text frame per batch, written on the IOLoop thread."""

    def __init__(
        self, handler: tornado.websocket.WebSocketHandler, loop: tornado.ioloop.IOLoop
    ) -> None:
        self._handler = handler
        self._loop = loop
        self._loop_thread = threading.get_ident()
        # Frames wait here in delivery order: a batch written at once on the loop
        # must never overtake one an app thread delivered just before it.
        self._outbox: deque[str] = deque()
        self._outbox_lock = threading.Lock()
        self._drain_scheduled = False

    def _on_loop(self) -> bool:
        return threading.get_ident() == self._loop_thread

    def request_flush(self) -> None:
        # Everything the app buffers until this callback runs travels in one frame.
        self._loop.add_callback(self.session.flush)

    def deliver(self, root_id: str, batch: list[Command]) -> None:
        text = json.dumps(batch, ensure_ascii=False, separators=(",", ":"))
        with self._outbox_lock:
            self._outbox.append(text)
            schedule = not self._drain_scheduled and not self._on_loop()
            if schedule:
                self._drain_scheduled = True
        if self._on_loop():
            self._drain()
        elif schedule:
            self._loop.add_callback(self._drain)

    def _drain(self) -> None:
        """Write every queued frame, oldest first (on the loop thread)."""
        while True:
            with self._outbox_lock:
                if not self._outbox:
                    self._drain_scheduled = False
                    return
                text = self._outbox.popleft()
            self._write(text)

    def _write(self, text: str) -> None:
        if self._handler.ws_connection is None:
            return  # the browser went away; the session is closing
        try:
            future = self._handler.write_message(text)
        except tornado.websocket.WebSocketClosedError:
            return
        future.add_done_callback(_retrieve_exception)

    def close(self) -> None:
        if self._on_loop():
            self._close_after_drain()
        else:
            self._loop.add_callback(self._close_after_drain)

    def _close_after_drain(self) -> None:
        self._drain()
        self._handler.close()


def _retrieve_exception(future: Any) -> None:
    # A write to a socket closed meanwhile fails; that is not an error worth a log.
    if not future.cancelled():
        future.exception()
