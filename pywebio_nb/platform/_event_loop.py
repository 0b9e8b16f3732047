"""The asyncio loop that runs HTTP sessions under WSGI frameworks (Flask, Django).

A WSGI server has worker threads, no event loop, yet sessions need one: a
coroutine-based app runs on it, and every session's bookkeeping (polls,
events, expiry) happens on one loop thread, as under Tornado. This module
keeps that loop — *the platform loop*:

* :func:`run_event_loop` (``pywebio.platform.run_event_loop`` of the manual)
  runs it in the calling thread, as PyWebIO's coroutine integration example
  does (``threading.Thread(target=run_event_loop, daemon=True).start()``).
* When nobody called it, :func:`platform_loop` starts it in a daemon thread on
  the first request, so thread-based and coroutine-based apps both work under
  Flask and Django without that line.

``run_asyncio_coroutine(coro)`` then simply awaits ``coro`` on this loop, so
``await asyncio.sleep(1)`` works as well.
"""

from __future__ import annotations

import asyncio
import threading

__all__ = ["platform_loop", "run_event_loop"]

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_stopped = threading.Event()


def _claim(loop: asyncio.AbstractEventLoop) -> bool:
    """Make ``loop`` the platform loop unless one runs already."""
    global _loop
    with _lock:
        if _loop is not None and not _loop.is_closed():
            return False
        _loop = loop
        _stopped.clear()
        return True


def _run(loop: asyncio.AbstractEventLoop, ready: threading.Event | None) -> None:
    asyncio.set_event_loop(loop)
    if ready is not None:
        loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        loop.close()
        _stopped.set()


def platform_loop() -> asyncio.AbstractEventLoop:
    """The running platform loop; started in a daemon thread when there is none."""
    with _lock:
        loop = _loop
    if loop is not None and not loop.is_closed():
        return loop
    loop = asyncio.new_event_loop()
    if not _claim(loop):
        loop.close()
        return platform_loop()
    ready = threading.Event()
    threading.Thread(
        target=_run, args=(loop, ready), name="pywebio-nb-platform-loop", daemon=True
    ).start()
    ready.wait(10)
    return loop


def run_event_loop(debug: bool = False) -> None:
    """Run the asyncio event loop of the Flask and Django adapters in this thread.

    As in PyWebIO, start it in a thread before the Flask/Django server when
    your app is a coroutine (``async def``)::

        threading.Thread(target=run_event_loop, daemon=True).start()
        app.run(host='localhost', port=80)

    Here it is optional: the adapters start the loop themselves on their
    first request when it does not run. If the loop already runs, this call
    waits until it stops.

    :param debug: asyncio's debug mode for the loop
        (https://docs.python.org/3/library/asyncio-dev.html#asyncio-debug-mode).
    """
    loop = asyncio.new_event_loop()
    loop.set_debug(debug)
    if not _claim(loop):
        loop.close()
        with _lock:
            running = _loop
        if running is not None:
            running.set_debug(debug)
        _stopped.wait()
        return
    _run(loop, None)
