"""WebSocketTransport: batches from other threads keep their order and cost one loop wake-up."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import tornado.ioloop

from pywebio_nb.platform._ws_transport import WebSocketTransport
from pywebio_nb.protocol import make_command
from pywebio_nb.session._base import Session


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
    """An IOLoop stand-in that only records what is scheduled."""

    def __init__(self) -> None:
        self.callbacks: list[Any] = []

    def add_callback(self, callback: Any) -> None:
        self.callbacks.append(callback)


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
        transport = WebSocketTransport(handler, tornado.ioloop.IOLoop.current())  # type: ignore[arg-type]
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
