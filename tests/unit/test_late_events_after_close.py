"""Events that reach a connection, transport or session after it closed are harmless.

Closing lets go of the references a closed session would otherwise keep in a
cycle (``tests/server/test_session_freed_server.py``): the transport drops its
session, the connection its transport and socket closer, the session its
callbacks. Frames, clicks and flush requests that arrive late must find
nothing to do, never an exception.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pywebio_nb.platform._origin import make_origin_check
from pywebio_nb.platform._ws_core import AsyncWebSocketTransport, WebIOConfig, WebIOConnection
from pywebio_nb.platform._ws_transport import WebSocketTransport
from pywebio_nb.protocol import make_command
from pywebio_nb.session._base import Session
from pywebio_nb.session._memory import MemoryTransport


class _Handler:
    """A Tornado handler whose socket is gone."""

    ws_connection = None
    closed = 0

    def close(self) -> None:
        self.closed += 1


class _Loop:
    def __init__(self) -> None:
        self.callbacks: list[Any] = []

    def call_soon(self, callback: Any) -> None:
        self.callbacks.append(callback)

    call_soon_threadsafe = call_soon


def test_a_late_flush_request_on_a_closed_tornado_transport_does_nothing() -> None:
    loop = _Loop()
    transport = WebSocketTransport(_Handler(), loop)  # type: ignore[arg-type]
    session = Session(transport)
    session.close(notify_client=False)
    assert not hasattr(transport, "session")  # let go: no session <-> transport cycle
    transport.request_flush()  # a send that raced the close
    transport.deliver("page", [make_command("output", {"type": "text", "content": "x"})])
    assert loop.callbacks == []  # nothing scheduled for the session


def test_a_late_flush_request_on_a_closed_async_transport_does_nothing() -> None:
    async def scenario() -> None:
        async def send(_: Any) -> None:
            pass

        async def close(code: int, reason: str) -> None:
            pass

        transport = AsyncWebSocketTransport(asyncio.get_running_loop(), send, send, close)
        session = Session(transport)
        session.close(notify_client=False)
        assert not hasattr(transport, "session")
        transport.request_flush()

    asyncio.run(scenario())


def test_a_closed_sessions_late_click_is_ignored() -> None:
    clicks: list[Any] = []
    session = Session(MemoryTransport())
    callback_id = session.register_callback(clicks.append)
    session.close(notify_client=False)
    assert not session.has_callbacks
    session.dispatch({"event": "callback", "task_id": callback_id, "data": 1})
    assert clicks == []


def test_late_frames_and_closes_of_a_closed_connection_are_ignored() -> None:
    closes: list[tuple[int, str]] = []
    config = WebIOConfig({}, make_origin_check(None, None), "/")
    session = Session(MemoryTransport())
    connection = WebIOConnection(config, MemoryTransport(), lambda *args: closes.append(args))
    connection.session = session
    connection.on_close(clean=True)
    assert connection.transport is None and connection.session is None
    connection.on_text('{"event": "callback", "task_id": "x", "data": 1}')
    connection.on_binary(b"\0\0\0\2{}")
    connection.on_close(clean=False)
    connection.close_session()  # the server stops later
    assert closes == []  # the socket closed already: its closer was let go
    assert session.closed
