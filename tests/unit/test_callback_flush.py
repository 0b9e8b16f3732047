"""A plain callback of a coroutine session sends its output when it returns.

It runs on the event loop, so nothing else can add to its batch: the output goes
out at once instead of waiting for the flush the first send scheduled (a loop
turn later), which is part of a click's latency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.protocol import Command
from pywebio_nb.session._base import Transport
from pywebio_nb.session._blobs import Blob
from pywebio_nb.session._coroutine import CoroutineSession


class _NoScheduledFlush(Transport):
    """Records batches; a requested flush never happens by itself."""

    def __init__(self) -> None:
        self.batches: list[list[Command]] = []

    def request_flush(self) -> None:
        pass

    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        self.batches.append(batch)


def _texts(transport: _NoScheduledFlush) -> list[Any]:
    return [
        c["spec"]["content"]
        for batch in transport.batches
        for c in batch
        if c["command"] == "output" and c["spec"]["type"] == "text"
    ]


def test_plain_callback_output_is_delivered_when_the_click_returns() -> None:
    async def scenario() -> list[Any]:
        transport = _NoScheduledFlush()

        async def app() -> None:
            put_buttons(["a"], onclick=lambda value: put_text(f"clicked {value}"))

        session = CoroutineSession(app, transport, loop=asyncio.get_running_loop())
        session.start()
        assert session.task is not None
        await session.task
        session.flush()  # the app's own output (its end flushes too; be explicit)
        (button,) = [c for batch in transport.batches for c in batch if c["command"] == "output"]
        session.dispatch({"event": "callback", "task_id": button["spec"]["callback_id"], "data": 0})
        texts = _texts(transport)  # no await: no loop turn since the click
        session.close(notify_client=False)
        return texts

    assert asyncio.run(scenario()) == ["clicked a"]


def test_a_long_loop_without_await_sends_while_it_runs() -> None:
    """An async app printing in a loop that never yields still shows progress:
    the buffer is sent from inside the loop once it is old or large (here: large)."""

    async def scenario() -> tuple[int, int]:
        transport = _NoScheduledFlush()
        seen_in_loop: list[int] = []

        async def app() -> None:
            for i in range(20_000):
                put_text(i)
            seen_in_loop.append(len(_texts(transport)))

        session = CoroutineSession(app, transport, loop=asyncio.get_running_loop())
        session.start()
        assert session.task is not None
        await session.task
        session.flush()
        total = len(_texts(transport))
        session.close(notify_client=False)
        return seen_in_loop[0], total

    in_loop, total = asyncio.run(scenario())
    assert total == 20_000
    # Sent while the loop ran, in batches (not one frame per text).
    assert in_loop >= CoroutineSession.HOLD_COMMANDS, in_loop
