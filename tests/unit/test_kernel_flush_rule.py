"""KernelTransport's flush rule, against a recording session (no kernel).

A lone update goes at once, a burst marked by ``burst()`` goes when it ends,
a stream of updates leaves at most one timed batch per ``FLUSH_INTERVAL``, and
the main thread of a running cell waits for the timer (or the cell's end).
Every bound asserted is one the rule makes certain (a timer cannot fire early);
the waits for what must happen are generous.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from pywebio_nb.jupyter._kernel_session import KernelTransport


class RecordingSession:
    """What the transport needs of a session: a buffer, flush(), _executing."""

    def __init__(self) -> None:
        self._buffer: list[Any] = []
        self._executing = False
        self.flushes: list[tuple[float, list[Any]]] = []
        self.flushed = threading.Event()
        self.lock = threading.Lock()

    def send(self, transport: KernelTransport, item: Any) -> None:
        with self.lock:
            first = not self._buffer
            self._buffer.append(item)
        if first:
            transport.request_flush()

    def flush(self) -> None:
        with self.lock:
            batch, self._buffer = self._buffer, []
        if batch:
            self.flushes.append((time.monotonic(), batch))
            self.flushed.set()


@pytest.fixture
def pair() -> Iterator[tuple[KernelTransport, RecordingSession]]:
    transport = KernelTransport(None)
    session = RecordingSession()
    transport.session = session  # type: ignore[assignment]
    transport.FLUSH_INTERVAL = 0.5
    try:
        yield transport, session
    finally:
        transport.close()


def _in_thread(func: Any) -> None:
    thread = threading.Thread(target=func)
    thread.start()
    thread.join(10)


def test_a_lone_update_goes_at_once(pair: tuple[KernelTransport, RecordingSession]) -> None:
    transport, session = pair
    sent = time.monotonic()
    _in_thread(lambda: session.send(transport, "a"))
    assert session.flushed.wait(10)
    # far below the interval: no timer stood between the update and its flush
    assert session.flushes[0][0] - sent < transport.FLUSH_INTERVAL / 2, session.flushes
    assert session.flushes[0][1] == ["a"]


def test_a_stream_leaves_one_batch_per_interval(
    pair: tuple[KernelTransport, RecordingSession],
) -> None:
    transport, session = pair
    _in_thread(lambda: session.send(transport, "a"))
    assert session.flushed.wait(10)
    session.flushed.clear()
    _in_thread(lambda: session.send(transport, "b"))
    _in_thread(lambda: session.send(transport, "c"))
    assert session.flushed.wait(10)
    (first, _), (second, batch) = session.flushes
    assert batch == ["b", "c"]  # coalesced
    assert second - first >= transport.FLUSH_INTERVAL - 0.01


def test_a_burst_goes_when_it_ends(pair: tuple[KernelTransport, RecordingSession]) -> None:
    transport, session = pair
    transport.FLUSH_INTERVAL = 30.0

    def callback() -> None:
        with transport.burst():
            session.send(transport, "clear")
            with transport.burst():  # nested: only the outer end flushes
                session.send(transport, "text")
            assert session.flushes == []
            session.send(transport, "more")
            assert session.flushes == []
        assert [batch for _, batch in session.flushes] == [["clear", "text", "more"]]

    _in_thread(callback)
    assert [batch for _, batch in session.flushes] == [["clear", "text", "more"]]


def test_a_running_cell_waits_for_the_timer(
    pair: tuple[KernelTransport, RecordingSession],
) -> None:
    transport, session = pair
    session._executing = True
    # a thread the cell started is not the cell's burst: at once
    started = time.monotonic()
    _in_thread(lambda: session.send(transport, "thread output"))
    assert session.flushed.wait(10)
    assert session.flushes[0][0] - started < transport.FLUSH_INTERVAL / 2, session.flushes
    session.flushed.clear()
    transport._last_flush = 0.0  # quiet for long: only the cell's burst holds it back
    sent = time.monotonic()
    session.send(transport, "cell output")  # on the main thread, as a cell's code
    assert session.flushed.wait(10)
    assert session.flushes[1] == (session.flushes[1][0], ["cell output"])
    assert session.flushes[1][0] - sent >= transport.FLUSH_INTERVAL - 0.01
