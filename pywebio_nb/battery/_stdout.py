"""``redirect_stdout``: ``print`` into the page, per session and per thread.

``contextlib.redirect_stdout`` swaps ``sys.stdout`` for the whole process: on
a server every session (and every thread) would print into whichever session
entered last. Here ``sys.stdout`` is replaced, while at least one redirect is
active, by a router that picks the target of the *calling* code: a context
variable set by the ``with`` block, which threads started inside the block
inherit (``Thread.start`` is wrapped to carry it over). Writes with no target
go to the stream that was there before.

The output function runs in the context captured when the block was entered,
so a thread started inside the block writes into the block's session (and,
in a notebook, the block's cell) without ``register_thread``.
"""

from __future__ import annotations

import contextvars
import functools
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO

from ..output import put_text

__all__ = ["redirect_stdout"]


class _Target:
    """Where one ``with redirect_stdout()`` block sends text."""

    def __init__(self, output_func: Callable[[str], Any]) -> None:
        self.output_func = output_func
        self.context = contextvars.copy_context()
        self.thread = threading.get_ident()
        self.active = True

    def write(self, text: str) -> None:
        if threading.get_ident() == self.thread:
            self.output_func(text)
        else:
            # A Context cannot be entered by two threads at once: run in a copy.
            self.context.copy().run(self._call, text)

    def _call(self, text: str) -> None:
        # The Output put_text returns is dropped (and so sent) here, inside the context.
        self.output_func(text)


_target_var: contextvars.ContextVar[_Target | None] = contextvars.ContextVar(
    "pywebio_nb_stdout_target", default=None
)


class _Router:
    """Stands in for ``sys.stdout`` while redirects are active."""

    def __init__(self, fallback: TextIO) -> None:
        self.fallback = fallback
        self._writing = threading.local()

    def write(self, text: str) -> int:
        target = _target_var.get()
        # An output function that prints itself (or logs to stdout) would recurse:
        # what it writes goes to the console instead.
        if target is not None and target.active and not getattr(self._writing, "on", False):
            if text:
                self._writing.on = True
                try:
                    target.write(text)
                finally:
                    self._writing.on = False
            return len(text)
        return self.fallback.write(text)

    def flush(self) -> None:
        if _target_var.get() is None:
            self.fallback.flush()

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fallback, name)


class _Installation:
    """The router in ``sys.stdout`` and the ``Thread.start`` wrapper, while needed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._router: _Router | None = None
        self._original_start: Callable[..., None] | None = None
        self._start: Callable[..., None] | None = None

    def acquire(self) -> None:
        with self._lock:
            self._count += 1
            if self._count > 1:
                return
            self._router = _Router(sys.stdout)
            sys.stdout = self._router
            self._original_start = threading.Thread.start
            self._start = _make_start(self._original_start)
            threading.Thread.start = self._start  # type: ignore[method-assign]

    def release(self) -> None:
        with self._lock:
            self._count -= 1
            if self._count > 0:
                return
            if sys.stdout is self._router and self._router is not None:
                sys.stdout = self._router.fallback
            # else: someone replaced sys.stdout meanwhile; leave theirs in place
            # Only undo our own wrapper: one installed over it later stays.
            if self._original_start is not None and threading.Thread.start is self._start:
                threading.Thread.start = self._original_start  # type: ignore[method-assign]
            self._router = None
            self._original_start = self._start = None


def _make_start(original: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(original)
    def start(thread: threading.Thread) -> None:
        target = _target_var.get()
        if target is not None and target.active:
            run = thread.run

            def run_redirected() -> None:
                _target_var.set(target)  # the thread's own context: no reset needed
                run()

            thread.run = run_redirected  # type: ignore[method-assign]
        original(thread)

    return start


_installation = _Installation()


class redirect_stdout:
    """Context manager: ``print`` inside the block (and in threads started in
    it) goes to the page instead of the console.

    :param output_func: called with each piece of text written to
        ``sys.stdout``; by default ``put_text(text, inline=True)``.

    Example::

        with redirect_stdout():
            print("Hello world.")

    Only the code of the block (and the threads it starts, while the block
    runs) is redirected: other sessions of a server, and other threads, keep
    printing to the console.
    """

    def __init__(self, output_func: Callable[[str], Any] | None = None) -> None:
        self._output_func = output_func or functools.partial(put_text, inline=True)
        self._target: _Target | None = None
        self._token: contextvars.Token[_Target | None] | None = None

    def __enter__(self) -> redirect_stdout:
        if self._target is not None:
            raise RuntimeError("this redirect_stdout() is already in use; make a new one")
        _installation.acquire()
        self._target = _Target(self._output_func)
        self._token = _target_var.set(self._target)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._target is not None and self._token is not None
        self._target.active = False
        _target_var.reset(self._token)
        self._target = self._token = None
        _installation.release()
