"""Coroutine-based sessions: an ``async def`` app on the server's event loop.

Interactive calls return awaitables here (``await input(...)``), as the manual
specifies for coroutine-based sessions; output calls stay plain functions.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import traceback
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ..exceptions import SessionClosedException
from ..protocol import Command, Event
from ._base import Mailbox, Session, Transport, _Callback
from ._context import session_var

if TYPE_CHECKING:
    from .._form import FormRequest

__all__ = ["CoroutineSession"]


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

    def run_form(self, form: FormRequest) -> Any:
        return self._run_form(form)

    async def _run_form(self, form: FormRequest) -> Any:
        mailbox = self.open_mailbox(form.task_id)
        assert isinstance(mailbox, _AsyncMailbox)
        try:
            form.start()
            self.flush()
            while True:
                event = await mailbox.aget()
                if form.feed(event):
                    return form.result
        finally:
            self.close_mailbox(form.task_id)
            form.finish()

    def request(self, command: Command) -> Any:
        return self._request(command)

    async def _request(self, command: Command) -> Any:
        task_id = command["task_id"] or self.new_task_id("req")
        command["task_id"] = task_id
        mailbox = self.open_mailbox(task_id)
        assert isinstance(mailbox, _AsyncMailbox)
        try:
            self.send(command)
            self.flush()
            while True:
                event = await mailbox.aget()
                if event["event"] == "js_yield":
                    return event["data"]
        finally:
            self.close_mailbox(task_id)

    def run_callback(self, callback: _Callback, data: Any) -> None:
        """Coroutine callbacks become tasks; plain ones run on the loop at once."""
        if self.closed:
            return
        if callback.mutex and callback.running:
            return
        if inspect.iscoroutinefunction(callback.func) or inspect.iscoroutinefunction(
            getattr(callback.func, "__call__", None)  # noqa: B004
        ):
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
