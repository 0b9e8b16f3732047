"""pywebio_nb.platform.tornado._reader_done: what ends a connection's frame loop task.

Tornado ran the loop inside the request's coroutines, whose ``accept_connection``
closed the socket when the loop was cancelled or raised ValueError; the loop now
runs in its own task and this callback does the same (and logs other failures).
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from pywebio_nb.platform.tornado import _reader_done


class FakeProtocol:
    def __init__(self) -> None:
        self.aborted = 0

    def _abort(self) -> None:
        self.aborted += 1


async def _fails(error: BaseException) -> None:
    raise error


def _finished_task(coro_or_cancel: object) -> asyncio.Task[None]:
    async def main() -> asyncio.Task[None]:
        if coro_or_cancel == "cancel":
            task = asyncio.ensure_future(asyncio.sleep(10))
            await asyncio.sleep(0)
            task.cancel()
        elif coro_or_cancel == "ok":
            task = asyncio.ensure_future(asyncio.sleep(0))
        else:
            assert isinstance(coro_or_cancel, BaseException)
            task = asyncio.ensure_future(_fails(coro_or_cancel))
        await asyncio.wait([task])
        return task  # type: ignore[return-value]

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("end", "aborted", "logged"),
    [
        ("ok", 0, None),
        ("cancel", 1, None),
        (ValueError("bad frame"), 1, logging.DEBUG),
        (RuntimeError("bug"), 1, logging.ERROR),
    ],
)
def test_the_socket_is_closed_when_the_loop_did_not_end_by_itself(
    end: object, aborted: int, logged: int | None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pywebio_nb.platform")
    protocol = FakeProtocol()
    _reader_done(protocol, _finished_task(end))  # type: ignore[arg-type]
    assert protocol.aborted == aborted
    levels = [r.levelno for r in caplog.records if r.name == "pywebio_nb.platform"]
    assert levels == ([] if logged is None else [logged])
