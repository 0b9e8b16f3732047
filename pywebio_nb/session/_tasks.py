"""Background tasks of coroutine-based sessions: ``run_async`` and its :class:`TaskHandler`.

A coroutine-based session runs its ``async def`` app as an asyncio task on the
server's event loop. ``run_async(coro)`` starts another task of the same
session: it runs in a copy of the caller's context, so PyWebIO functions
called inside it find the session (and write where the caller writes), and it
is tracked by the session, which cancels it when the session closes and
stays open while it runs (the app may return first, as in PyWebIO).

Task ids (``get_current_task_id()``) are the asyncio task's name in a
coroutine-based session and ``<thread name>-<thread id>`` elsewhere.
"""

from __future__ import annotations

import asyncio
import contextvars
import secrets
import threading
import traceback
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._base import Session

__all__ = ["TaskHandler", "current_task_id", "start_on_running_loop", "task_name"]


class TaskHandler:
    """The handle of a task started by ``run_async()``: ``close()`` it, ask ``closed()``."""

    __slots__ = ("_close", "_closed")

    def __init__(self, close: Callable[[], None], closed: Callable[[], bool]) -> None:
        self._close = close
        self._closed = closed

    def close(self) -> None:
        """Close the coroutine task (it is cancelled; a closed task stays closed)."""
        self._close()

    def closed(self) -> bool:
        """Whether the task is closed: it finished, failed, or was closed."""
        return self._closed()

    def __repr__(self) -> str:
        return f"<TaskHandler closed={self.closed()}>"


def handle_of(task: asyncio.Task[Any]) -> TaskHandler:
    """A :class:`TaskHandler` for ``task``: closed as soon as ``close()`` is called.

    ``Task.cancel()`` only takes effect at the task's next step, but PyWebIO's
    handler reports a closed task at once, so the handler remembers the call.
    """
    closing = False

    def close() -> None:
        nonlocal closing
        closing = True
        loop = task.get_loop()
        if _on_loop(loop):
            task.cancel()
        else:  # Task.cancel() is not thread-safe
            loop.call_soon_threadsafe(task.cancel)

    return TaskHandler(close, lambda: closing or task.done())


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def task_name(coro: Coroutine[Any, Any, Any]) -> str:
    """PyWebIO's task id shape: the coroutine's name and a random part."""
    name = getattr(coro, "__name__", "coro")
    return f"{name}-{secrets.token_hex(5)}"


def current_task_id() -> str:
    """The id of the calling task: its asyncio task's name, else its thread's."""
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop in this thread
        task = None
    if task is not None:
        return task.get_name()
    thread = threading.current_thread()
    return f"{thread.name}-{thread.ident}"


#: Tasks started by :func:`start_on_running_loop`: asyncio keeps only weak references.
_loop_tasks: set[asyncio.Task[Any]] = set()


def start_on_running_loop(session: Session, coro: Coroutine[Any, Any, Any]) -> TaskHandler:
    """``run_async`` in a notebook: a task on the kernel's asyncio loop.

    The kernel runs each cell on its event loop, so code in a cell (or in a
    coroutine it awaits) finds that loop running and the task starts as soon as
    the cell yields or ends. It runs in a copy of the caller's context, so its
    output goes to the calling cell; its errors are shown there like a
    callback's. A cell blocked in ``input()`` does not run the loop, so the task
    waits until the form is answered.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        coro.close()
        raise RuntimeError(
            "run_async() in a notebook needs the kernel's event loop: call it from the "
            "cell's own code or from a coroutine it awaits, not from another thread"
        ) from None

    async def guarded() -> Any:
        try:
            return await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            session.report_error(traceback.format_exc())
            return None

    context = contextvars.copy_context()
    task = context.run(loop.create_task, guarded(), name=task_name(coro))
    _loop_tasks.add(task)
    task.add_done_callback(_loop_tasks.discard)
    return handle_of(task)
