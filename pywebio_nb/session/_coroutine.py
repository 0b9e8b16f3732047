"""Coroutine-based sessions: an ``async def`` app on the server's event loop.

Interactive calls return awaitables here (``await input(...)``), as the manual
specifies for coroutine-based sessions; output calls stay plain functions.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import secrets
import threading
import traceback
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any

from ..exceptions import SessionClosedException
from ..protocol import Event
from ._base import Exchange, Mailbox, Session, Transport, _Callback
from ._context import session_var
from ._tasks import TaskHandler, handle_of, task_name

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
    """A mailbox whose waiter is a coroutine on ``loop``.

    Lighter than an ``asyncio.Queue`` (which makes a deque, an Event and the
    Event's own deque, and takes a dozen Python calls per event): a list of
    events not taken yet and one future the waiting coroutine awaits. A
    mailbox has one waiter (the exchange of its task id).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # No Mailbox.__init__: its thread-safe queue is for blocking waiters.
        self._loop = loop
        #: Events not taken yet; a None at the front: closed.
        self._items: list[Event | None] = []
        self._waiter: asyncio.Future[None] | None = None
        # Made by the waiting coroutine, so on the loop's thread (else: none known).
        self._loop_thread = threading.get_ident() if _running_loop() is loop else None

    def _put_on_loop(self, item: Event | None) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _put(self, item: Event | None) -> None:
        # On the loop's thread (a WebSocket event) put at once: going through
        # call_soon_threadsafe costs a wakeup write and a loop turn (~17 us of
        # an input() round trip); other threads (a WSGI poll) must use it.
        if threading.get_ident() == self._loop_thread:
            self._put_on_loop(item)
        else:
            self._loop.call_soon_threadsafe(self._put_on_loop, item)

    def put(self, event: Event) -> None:
        self._put(event)

    def close(self) -> None:
        self._put(None)

    async def aget(self) -> Event:
        items = self._items
        while not items:
            if self._waiter is not None:
                raise RuntimeError("a mailbox has one waiter at a time")
            waiter = self._waiter = self._loop.create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        item = items[0]
        if item is None:  # stays at the front: any further aget raises too
            raise SessionClosedException("the session was closed while waiting for the browser")
        del items[0]
        return item


class _Finished:
    """A finished app's task, without the task: done, and awaiting it returns at once."""

    __slots__ = ()

    def done(self) -> bool:
        return True

    def cancelled(self) -> bool:
        return False

    def cancel(self, msg: Any = None) -> bool:
        return False

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # a generator function: the await ends at once, with None


#: What ``CoroutineSession.task`` is once the app returned (one for all sessions).
FINISHED = _Finished()


class CoroutineSession(Session):
    """Runs ``async def`` apps; interactive calls must be awaited.

    Output is batched until the app yields to the event loop, which then sends
    the batch. An app that outputs in a long loop without awaiting would hold
    everything until the loop ends, so ``send`` also flushes by itself once the
    oldest buffered command waited ``HOLD_SECONDS`` (see :class:`Session`): the
    browser sees progress within a few milliseconds and the batches stay large.
    """

    HOLD_SECONDS = 0.005

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
        #: The app's task; once the app returned, :data:`FINISHED` in its stead.
        self.task: asyncio.Task[None] | _Finished | None = None
        # Dicts used as sets (keys only): an empty set takes 216 bytes, a dict 64.
        self._tasks: dict[asyncio.Task[Any], None] = {}
        #: Tasks started by ``run_async()``: the session stays open while one runs.
        self._background: dict[asyncio.Task[Any], None] = {}
        #: Set once the app returned while ``run_async`` tasks still ran (see
        #: app_finished). Sessions hold few attributes: past 30 an instance
        #: dict costs 1.5 KB more (CPython's shared-key limit), per session.
        self._pending_done: Callable[[Session], None] | None = None

    def start(self) -> None:
        context = contextvars.Context()
        context.run(session_var.set, self)
        name = f"{getattr(self._app, '__name__', 'main')}-{secrets.token_hex(5)}"
        self.task = context.run(self.loop.create_task, self._run(), name=name)

    async def _run(self) -> None:
        try:
            await self._app()
        except (SessionClosedException, asyncio.CancelledError):
            pass
        except Exception:
            self.report_error(traceback.format_exc())
        finally:
            self.app_finished(self._on_done)
            # The finished task is of no use (close() cancels only a pending one)
            # and would keep ~1 KB per session: itself, its name, its context.
            self.task = FINISHED

    def run_async(self, coro: Coroutine[Any, Any, Any]) -> TaskHandler:
        """Start ``coro`` as a task of this session, in a copy of the caller's context.

        Errors in it are shown like the app's own; it is cancelled when the
        session closes, and keeps the session open after the app returned.
        """
        if not asyncio.iscoroutine(coro):
            raise TypeError(f"run_async() takes a coroutine object, got {type(coro).__name__}")
        if self.closed:
            coro.close()
            raise SessionClosedException("the session is closed; no task can start")
        context = contextvars.copy_context()
        task = context.run(self.loop.create_task, self._run_background(coro), name=task_name(coro))
        self._background[task] = None
        task.add_done_callback(self._background_done)
        return handle_of(task)

    async def _run_background(self, coro: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await coro
        except (SessionClosedException, asyncio.CancelledError):
            return None
        except Exception:
            self.report_error(traceback.format_exc())
            return None

    def _background_done(self, task: asyncio.Task[Any]) -> None:
        self._background.pop(task, None)
        if not self._background and self._pending_done is not None:
            on_done, self._pending_done = self._pending_done, None
            on_done(self)

    def app_finished(self, on_done: Callable[[Session], None] | None) -> None:
        """As for every session, but the server hears of it once ``run_async`` tasks end."""
        if self._background and not self.closed:
            self._pending_done = on_done
            on_done = None
        super().app_finished(on_done)

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
        if callback.coroutine is None:  # inspect costs more than the rest of a click
            callback.coroutine = is_coroutine_callable(callback.func)
        if callback.coroutine:
            task = callback.context.copy().run(
                self.loop.create_task, self._run_async_callback(callback, data)
            )
            self._tasks[task] = None
            task.add_done_callback(self._forget_task)
        else:
            result = callback.context.copy().run(self.invoke_callback, callback, data)
            if inspect.isawaitable(result):
                task = callback.context.copy().run(self.loop.create_task, _await(result))
                self._tasks[task] = None
                task.add_done_callback(self._forget_task)
            # The click's output is complete: send it now, not on the loop's next
            # turn (the flush the first send scheduled then finds nothing to do).
            self.flush()

    def _forget_task(self, task: asyncio.Task[Any]) -> None:
        self._tasks.pop(task, None)

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
        for task in [*self._tasks, *self._background]:
            task.cancel()
        if self.task is not None and not self.task.done():
            # A pending await raises SessionClosedException via its mailbox;
            # cancel only what does not wait on us (e.g. asyncio.sleep).
            self.loop.call_later(5, self.task.cancel)
        else:
            # A task keeps its context, which holds this session: let go of the
            # finished task (a pending one does so at its end, in _run), so a
            # closed session does not wait for the cyclic GC.
            self.task = None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


async def _await(awaitable: Awaitable[Any]) -> Any:
    return await awaitable
