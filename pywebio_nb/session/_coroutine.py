"""Coroutine-based sessions: an ``async def`` app on the server's event loop.

Interactive calls return awaitables here (``await input(...)``), as the manual
specifies for coroutine-based sessions; output calls stay plain functions.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from ..exceptions import SessionClosedException
from ..protocol import Event
from ._base import Exchange, Mailbox, Session, Transport, _Callback
from ._context import session_var

__all__ = ["CoroutineSession", "is_coroutine_callable"]


def is_coroutine_callable(func: object) -> bool:
    """Whether calling ``func`` gives a coroutine: an ``async def`` function, a
    ``functools.partial`` of one, or an object whose ``__call__`` is ``async def``.

    (The one check used for apps, callbacks and anything else that may be async.)
    """
    while isinstance(func, functools.partial):
        func = func.func
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
        getattr(func, "__call__", None)  # noqa: B004 - the method itself, not callable()
    )


class _AsyncMailbox(Mailbox):
    """A mailbox whose waiter is a coroutine on ``loop``."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._loop = loop
        self._queue_async: asyncio.Queue[Event | None] = asyncio.Queue()

    def _put_async(self, item: Event | None) -> None:
        self._queue_async.put_nowait(item)

    def put(self, event: Event) -> None:
        self._loop.call_soon_threadsafe(self._put_async, event)

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._put_async, None)

    async def aget(self) -> Event:
        item = await self._queue_async.get()
        if item is None:
            self._queue_async.put_nowait(None)
            raise SessionClosedException("the session was closed while waiting for the browser")
        return item


class CoroutineSession(Session):
    """Runs ``async def`` apps; interactive calls must be awaited."""

    def __init__(
        self,
        app: Callable[[], Awaitable[Any]],
        transport: Transport,
        *,
        loop: asyncio.AbstractEventLoop,
        info: Any = None,
        on_done: Callable[[Session], None] | None = None,
    ) -> None:
        super().__init__(transport, info=info)
        self._app = app
        self.loop = loop
        self._on_done = on_done
        self.task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self) -> None:
        context = contextvars.Context()
        context.run(session_var.set, self)
        self.task = context.run(self.loop.create_task, self._run())

    async def _run(self) -> None:
        try:
            await self._app()
        except (SessionClosedException, asyncio.CancelledError):
            pass
        except Exception:
            self.report_error(traceback.format_exc())
        finally:
            self.app_finished(self._on_done)

    def make_mailbox(self) -> Mailbox:
        return _AsyncMailbox(self.loop)

    def awaiting(self) -> bool:
        return True

    def run_exchange(self, exchange: Exchange) -> Any:
        """An awaitable: ``await input(...)`` in an ``async def`` app."""
        return self._await_exchange(exchange)

    async def _await_exchange(self, exchange: Exchange) -> Any:
        # The same driver as a blocking wait; only the waiting differs.
        steps = self.exchange_steps(exchange)
        try:
            mailbox = next(steps)
            while True:
                self.flush()
                assert isinstance(mailbox, _AsyncMailbox)
                mailbox = steps.send(await mailbox.aget())
        except StopIteration as done:
            return done.value
        finally:
            steps.close()

    def run_callback(self, callback: _Callback, data: Any) -> None:
        """Coroutine callbacks become tasks; plain ones run on the loop at once."""
        if self.closed:
            return
        if callback.mutex and callback.running:
            return
        if is_coroutine_callable(callback.func):
            task = callback.context.copy().run(
                self.loop.create_task, self._run_async_callback(callback, data)
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            result = callback.context.copy().run(self.invoke_callback, callback, data)
            if inspect.isawaitable(result):
                task = callback.context.copy().run(self.loop.create_task, _await(result))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _run_async_callback(self, callback: _Callback, data: Any) -> None:
        callback.running = True
        try:
            await callback.func(data)
        except SessionClosedException:
            pass
        except Exception:
            self.report_error(traceback.format_exc())
        finally:
            callback.running = False

    def close(self, *, notify_client: bool = True) -> None:
        super().close(notify_client=notify_client)
        for task in list(self._tasks):
            task.cancel()
        if self.task is not None and not self.task.done():
            # A pending await raises SessionClosedException via its mailbox;
            # cancel only what does not wait on us (e.g. asyncio.sleep).
            self.loop.call_later(5, self.task.cancel)


async def _await(awaitable: Awaitable[Any]) -> Any:
    return await awaitable
