"""WebSocketTransport: batches from other threads keep their order and cost one loop wake-up."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from pywebio_nb.platform._ws_transport import WebSocketTransport
from pywebio_nb.protocol import make_command
from pywebio_nb.session._base import Session, ThreadSession


class _Done:
    def done(self) -> bool:
        return True

    def exception(self) -> None:
        return None

    def cancelled(self) -> bool:
        return False


class _Handler:
    """A Tornado handler whose socket takes every frame (recorded, in order)."""

    ws_connection = object()

    def __init__(self) -> None:
        self.frames: list[Any] = []
        self.threads: set[int] = set()

    def write_message(self, frame: Any, binary: bool = False) -> _Done:
        self.threads.add(threading.get_ident())
        self.frames.append(json.loads(frame))
        return _Done()

    def close(self) -> None:
        pass


class _Loop:
    """An event loop stand-in that only records what is scheduled."""

    def __init__(self) -> None:
        self.callbacks: list[Any] = []

    def call_soon(self, callback: Any) -> None:
        self.callbacks.append(callback)

    call_soon_threadsafe = call_soon


def _text(content: str) -> Any:
    return make_command("output", {"type": "text", "content": content, "scope": "#x"})


def test_an_app_threads_batch_rides_on_the_wake_up_its_first_send_asked_for() -> None:
    handler, loop = _Handler(), _Loop()
    transport = WebSocketTransport(handler, loop)  # type: ignore[arg-type]
    session = Session(transport)  # this thread is "the loop's"

    def app_thread() -> None:  # an input(): sends, then flushes before it blocks
        session.send(_text("a"))
        session.send(_text("b"))
        session.flush()

    thread = threading.Thread(target=app_thread)
    thread.start()
    thread.join()
    assert len(loop.callbacks) == 1  # one wake-up, not one for the flush and one for the frame
    assert handler.frames == []  # nothing is written off the loop's thread
    loop.callbacks.pop()()  # the loop runs it: the flush finds nothing, the frame is written
    assert [[c["spec"]["content"] for c in frame] for frame in handler.frames] == [["a", "b"]]
    assert loop.callbacks == []


def test_batches_from_many_threads_and_the_loop_keep_their_order() -> None:
    async def scenario() -> None:
        handler = _Handler()
        transport = WebSocketTransport(handler, asyncio.get_running_loop())  # type: ignore[arg-type]
        session = Session(transport)
        loop_thread = threading.get_ident()
        per_thread, threads = 300, 4

        def worker(name: str) -> None:
            for index in range(per_thread):
                session.send(_text(f"{name}:{index}"))
                if index % 7 == 0:
                    session.flush()  # some batches from this thread, some from the loop's flush

        workers = [threading.Thread(target=worker, args=(f"t{n}",)) for n in range(threads)]
        for thread in workers:
            thread.start()
        for index in range(per_thread):  # the loop sends too, meanwhile
            session.send(_text(f"loop:{index}"))
            if index % 5 == 0:
                session.flush()
            await asyncio.sleep(0)
        while any(thread.is_alive() for thread in workers):
            await asyncio.sleep(0.001)
        session.flush()
        for _ in range(100):  # every scheduled callback runs within a few loop turns
            await asyncio.sleep(0)
        contents = [c["spec"]["content"] for frame in handler.frames for c in frame]
        assert len(contents) == (threads + 1) * per_thread  # nothing lost, nothing twice
        for name in [f"t{n}" for n in range(threads)] + ["loop"]:
            mine = [int(c.split(":")[1]) for c in contents if c.startswith(name + ":")]
            assert mine == list(range(per_thread)), name  # each sender's order kept
        assert handler.threads == {loop_thread}  # every frame written on the loop's thread

    asyncio.run(scenario())


class _TimerLoop(_Loop):
    """Records timers too: (delay, callback)."""

    def __init__(self) -> None:
        super().__init__()
        self.timers: list[tuple[float, Any]] = []

    def call_later(self, delay: float, callback: Any) -> None:
        self.timers.append((delay, callback))


class _BurstSession(ThreadSession):
    """An app thread's session whose hold rule fires on the 32nd buffered command."""

    HOLD_COMMANDS = 32
    HOLD_SECONDS = 30.0  # no flush by age while the test runs
    YIELD_AFTER_HOLD = 0.0


def test_a_burst_from_an_app_thread_is_not_taken_piecemeal_by_the_loop() -> None:
    handler, loop = _Handler(), _TimerLoop()
    transport = WebSocketTransport(handler, loop)  # type: ignore[arg-type]
    session = _BurstSession(lambda: None, transport)

    def app_thread(texts: range) -> None:
        for i in texts:
            session.send(_text(str(i)))

    def run_on_the_app_thread(texts: range) -> None:
        thread = threading.Thread(target=app_thread, args=(texts,))
        thread.start()
        thread.join()

    def run_the_loop() -> None:
        callbacks, loop.callbacks = loop.callbacks, []
        for callback in callbacks:
            callback()

    # The 1st command asks for a flush at once; the 32nd flushes by the hold rule.
    run_on_the_app_thread(range(32))
    assert len(loop.callbacks) == 1  # the flush request, which drains the held batch too
    run_the_loop()
    assert [len(frame) for frame in handler.frames] == [32]
    # The 33rd, in the burst, only sets a timer (one for the burst, not one per command).
    run_on_the_app_thread(range(32, 40))
    run_the_loop()  # the timer is set on the loop's thread
    assert handler.frames[1:] == []
    assert len(loop.timers) == 1
    assert loop.timers[0][0] == session.HOLD_SECONDS
    loop.timers.pop()[1]()  # runs _flush_due after the delay: the 8 are still young
    delay, check = loop.timers.pop()
    assert 0 < delay <= session.HOLD_SECONDS and handler.frames[1:] == []
    session._held_since -= session.HOLD_SECONDS  # the thread went quiet: they are due
    check()
    assert [len(frame) for frame in handler.frames] == [32, 8]
    assert loop.timers == []  # nothing held: the chain ends
    assert not transport._due_scheduled


def test_output_after_a_quiet_spell_is_flushed_at_once() -> None:
    handler, loop = _Handler(), _TimerLoop()
    session = _BurstSession(lambda: None, WebSocketTransport(handler, loop))  # type: ignore[arg-type]
    session.send(_text("a"))
    assert len(loop.callbacks) == 1 and loop.timers == []  # no burst: no wait


def test_another_threads_output_during_a_burst_is_flushed_at_once() -> None:
    handler, loop = _Handler(), _TimerLoop()
    transport = WebSocketTransport(handler, loop)  # type: ignore[arg-type]
    session = _BurstSession(lambda: None, transport)
    for i in range(32):  # this thread's burst: the 32nd flushes by the hold rule
        session.send(_text(str(i)))
    loop.callbacks.clear()
    # A click's callback, on a pool thread, while this thread's burst goes on.
    clicked = threading.Thread(target=session.send, args=(_text("clicked"),))
    clicked.start()
    clicked.join()
    assert loop.callbacks == [transport._flush_and_drain]  # a flush at once, no timer
