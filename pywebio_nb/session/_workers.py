"""Resident callback threads of a session (thread-based and kernel sessions).

A click's callback must run off the thread that received it (a Tornado event
loop, a kernel's shell thread) because app code may block, e.g. in ``input()``.
What a click costs is then the hand-off to the thread that runs it. A
:class:`concurrent.futures.ThreadPoolExecutor` makes a ``Future`` and a work
item per call and signals through two conditions; nobody ever looks at those
futures here. :class:`CallbackWorkers` keeps only what a click needs: a queue
and up to ``limit`` threads that stay alive, idle, between clicks, so a click
wakes a waiting thread and nothing else (``bench/bench_compare.py`` measures
the click -> output round trip).

Tasks start in submission order; with ``limit=1`` they also run one at a
time in that order (the session's ``serial_mode`` thread).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["CallbackWorkers"]

logger = logging.getLogger("pywebio_nb.session")

_STOP = None


class CallbackWorkers:
    """Up to ``limit`` resident threads running submitted tasks in arrival order.

    A task goes to an idle thread; if none is idle a new thread starts, up to
    ``limit``; beyond that it waits in the queue for the first thread that
    finishes. An exception in a task is logged (tasks are expected to report
    their own errors). :meth:`shutdown` lets every thread finish its current
    task and exit; later tasks are dropped.
    """

    def __init__(self, limit: int, name: str) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        self._limit = limit
        self._name = name
        self._tasks: queue.SimpleQueue[Callable[[], Any] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._waiting = 0  # threads that are (or are about to be) waiting for a task
        self._queued = 0  # tasks in the queue that no thread took yet
        self._shutdown = False

    @property
    def threads(self) -> int:
        """How many threads run now (for tests and diagnostics)."""
        return self._threads

    def submit(self, task: Callable[[], Any]) -> bool:
        """Queue ``task``; False (and nothing runs) once shut down."""
        with self._lock:
            if self._shutdown:
                return False
            self._tasks.put(task)
            self._queued += 1
            # A new thread only when the waiting ones cannot take every queued task.
            if self._queued > self._waiting and self._threads < self._limit:
                self._threads += 1
                self._waiting += 1  # counted from now, so the next submit sees it
                thread = threading.Thread(
                    target=self._work, name=f"{self._name}-{self._threads}", daemon=True
                )
                thread.start()
        return True

    def shutdown(self, wait: bool = False) -> None:
        """Stop accepting tasks; each thread exits once the queue reaches its stop mark.

        Tasks queued before the call still run (as ``ThreadPoolExecutor.shutdown``
        with ``cancel_futures=False``). ``wait`` is accepted for that signature
        and ignored: the caller may be one of these threads.
        """
        with self._lock:
            if self._shutdown:
                return
            self._shutdown = True
            for _ in range(self._threads):
                self._tasks.put(_STOP)

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            with self._lock:
                self._waiting -= 1
                if task is _STOP:
                    self._threads -= 1
                    return
                self._queued -= 1
            try:
                task()
            except BaseException:
                logger.exception("error in a callback task")
            del task  # nothing of a finished click stays referenced while idle
            with self._lock:
                self._waiting += 1
