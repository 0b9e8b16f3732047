"""The kernel session: one PyWebIO session per IPython kernel.

Every cell, thread and callback of the kernel shares it. Each cell execution
that outputs gets its own *cell root* widget, displayed in that cell; named
scopes are kernel-wide, so a command for scope ``x`` goes to the cell root that
shows ``x`` (the page model knows). Commands are flushed on a short timer (and
at once before a blocking wait) to stay far below Jupyter's IOPub rate limit.
Blob bytes travel as comm message *buffers* (never base64 in the JSON), at
most about ``CHUNK_SIZE`` bytes per message, each chunk announced by a ``blob``
command in the same message's list; the last message also carries the batch.

Waiting: the kernel's main thread pumps kernel messages
(:class:`~pywebio_nb.jupyter._pump.EventPump`); other threads block on their
mailbox. The handshake belongs to the transport: before the first wait on a
cell root (:meth:`KernelTransport.before_wait`), a ``ping`` is sent and must be
answered by a ``pong`` (an extension event the session core hands to
:meth:`KernelTransport.on_event`) within ``handshake_timeout`` seconds, else
:class:`~pywebio_nb.exceptions.NoFrontendError` is raised: a notebook executed
with no frontend fails fast instead of hanging.

:func:`find_kernel_session` is the session finder this runtime registers with
the session core (``pywebio_nb.jupyter`` does it when imported).
"""

from __future__ import annotations

import atexit
import contextvars
import inspect
import logging
import os
import queue
import signal
import sys
import threading
from collections.abc import Generator, Hashable, Sequence
from types import FrameType
from typing import Any, cast

from ..exceptions import NoFrontendError
from ..protocol import Command, Event, SetEnvSpec, make_command
from ..session._base import Exchange, Mailbox, Session, Transport
from ..session._blobs import CHUNK_SIZE, Blob
from ..session._context import root_var
from ._pump import EventPump, UnsupportedKernel
from ._widget import CellRoot

__all__ = [
    "KernelSession",
    "KernelTransport",
    "find_kernel_session",
    "kernel_session",
    "pack_blobs",
]

logger = logging.getLogger("pywebio_nb.jupyter")

_ATTR = "_pywebio_nb_session"


class KernelTransport(Transport):
    """Delivers batches to cell-root widgets; flushes on a short timer."""

    #: Seconds between a first buffered command and its flush (coalescing window).
    FLUSH_DELAY = 0.016
    #: Seconds a frontend has to answer the handshake ping.
    handshake_timeout = float(os.environ.get("PYWEBIO_NB_HANDSHAKE_TIMEOUT", "5"))

    session: KernelSession

    def __init__(self, kernel: Any) -> None:
        self.widgets: dict[str, CellRoot] = {}
        # ipykernel 7 keeps the parent message in a ContextVar: a message sent
        # from a background thread would otherwise carry a stale parent (the last
        # comm message), and clients that follow the running cell drop it.
        var = getattr(kernel, "_shell_parent", None)
        self._parent_var: contextvars.ContextVar[Any] | None = (
            var if isinstance(var, contextvars.ContextVar) else None
        )
        #: The execute_request of the running (or last) cell.
        self.cell_parent: Any = None
        self._wanted = threading.Event()
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._pongs: dict[str, Mailbox] = {}
        #: The browser a handshake's pong described (user_agent, language, origin).
        self.browser: dict[str, Any] | None = None

    def request_flush(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="pywebio-nb-flush", daemon=True)
            self._thread.start()
        self._wanted.set()

    def _run(self) -> None:
        while not self._stopped:
            self._wanted.wait()
            self._wanted.clear()
            # Let more commands join this batch; a blocking wait flushes sooner.
            threading.Event().wait(self.FLUSH_DELAY)
            try:
                self.session.flush()
            except Exception:
                logger.exception("flushing PyWebIO output to the notebook failed")

    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        widget = self.widgets.get(root_id)
        if widget is None:
            logger.warning("dropped %d commands for unknown cell root %s", len(batch), root_id)
            return
        messages = pack_blobs(blobs)
        if messages:
            messages[-1][0].extend(batch)  # the batch rides with the last chunks
        else:
            messages = [(list(batch), [])]
        if self._parent_var is None or not self.cell_parent:
            for content, buffers in messages:
                widget.send(content, buffers or None)
            return
        token = self._parent_var.set(self.cell_parent)
        try:
            for content, buffers in messages:
                widget.send(content, buffers or None)
        finally:
            self._parent_var.reset(token)

    def close(self) -> None:
        self._stopped = True
        self._wanted.set()

    # ------------------------------------------------------------ handshake
    def before_wait(self, root_id: str) -> None:
        """Make sure a frontend shows ``root_id`` (ping/pong), else NoFrontendError."""
        widget = self.widgets.get(root_id)
        if widget is None or widget.frontend_seen:
            return
        session = self.session
        ping_id = session.new_task_id("ping")
        mailbox = session.open_mailbox(ping_id)
        self._pongs[ping_id] = mailbox
        try:
            session.send(make_command("ping", {"id": ping_id}), root_id)
            session.wait_event(ping_id, mailbox, self.handshake_timeout)
        except TimeoutError:
            raise NoFrontendError(
                f"no notebook frontend answered within {self.handshake_timeout:g} s, so nothing "
                "can answer this input. The notebook seems to run headless (jupyter execute, "
                "nbconvert, papermill); PyWebIO input needs JupyterLab, Notebook 7 or another "
                "frontend that renders widgets. (Set PYWEBIO_NB_HANDSHAKE_TIMEOUT to wait longer.)"
            ) from None
        finally:
            self._pongs.pop(ping_id, None)
            session.close_mailbox(ping_id)
        widget.frontend_seen = True

    def on_event(self, event: Event) -> bool:
        """A ``pong``: wake the handshake waiting for it."""
        if event["event"] != "pong":
            return False
        if isinstance(event["data"].get("user_agent"), str):
            self.browser = dict(event["data"])
        ping_id = event["data"]["id"]
        mailbox = self._pongs.get(ping_id)
        if mailbox is not None:
            mailbox.put(event)
        return True


def pack_blobs(
    blobs: Sequence[Blob], limit: int = CHUNK_SIZE
) -> list[tuple[list[Command], list[memoryview]]]:
    """Comm messages (commands, buffers) carrying ``blobs``' chunks, in order.

    Small chunks share a message while their buffers stay within ``limit``
    bytes; each ``blob`` command's ``buffer`` is its chunk's index there.
    """
    messages: list[tuple[list[Command], list[memoryview]]] = []
    commands: list[Command] = []
    buffers: list[memoryview] = []
    used = 0
    for blob in blobs:
        for spec, chunk in blob.chunks(limit):
            if buffers and used + chunk.nbytes > limit:
                messages.append((commands, buffers))
                commands, buffers, used = [], [], 0
            spec["buffer"] = len(buffers)
            commands.append(make_command("blob", spec))
            buffers.append(chunk)
            used += chunk.nbytes
    if buffers:
        messages.append((commands, buffers))
    return messages


class KernelSession(Session):
    """The session of an IPython kernel; use :func:`kernel_session` to get it."""

    #: Flush at once when this many commands are buffered.
    MAX_BATCH = 500
    serves_apps = False

    def __init__(self, shell: Any) -> None:
        self.kernel = getattr(shell, "kernel", None)
        self.kernel_transport = KernelTransport(self.kernel)
        super().__init__(self.kernel_transport)
        self.shell = shell
        self._remember_cell_parent()
        try:
            self.pump: EventPump | None = EventPump(self.kernel)
        except UnsupportedKernel as exc:
            logger.warning("blocking input() from the main thread is unavailable: %s", exc)
            self.pump = None
        # made on first use, normally by a running cell's code
        self._executing = threading.current_thread() is threading.main_thread()
        if self.pump is not None:
            self.pump.cell_running = lambda: self._executing
            self.pump.install()
        self._cell_root: str | None = None
        self._last_root: str | None = None
        self._roots = 0
        shell.events.register("pre_run_cell", self._pre_run_cell)
        shell.events.register("post_run_cell", self._post_run_cell)
        # defer_call() functions run when the kernel shuts down: a shutdown_request
        # (restart, shut down, closing the notebook) ends the kernel process
        # normally on ipykernel 6.29 and 7, which runs atexit functions.
        atexit.register(self._at_exit)

    def _at_exit(self) -> None:
        """The kernel process is ending: close the session (runs defer_call functions)."""
        self.close(notify_client=False)

    # ---------------------------------------------------------------- info
    @property
    def info(self) -> Any:
        """The browser showing the notebook, as a server session's ``info``.

        Learned from the frontend's handshake (a ping is sent, and waited for,
        when no frontend of this kernel answered one yet): ``user_agent`` parsed
        by ``user_agents``, ``user_language``, ``origin`` and ``server_host``
        (the notebook page's), ``backend`` ``'jupyter'``, ``protocol`` ``'comm'``;
        ``user_ip`` is ``''`` and ``request`` None (a kernel sees no HTTP request).
        Raises NoFrontendError when no frontend answers.
        """
        transport = self.kernel_transport
        if transport.browser is None:
            transport.before_wait(self.default_root())
        browser = transport.browser
        if browser is None:
            raise NoFrontendError(
                "the notebook frontend did not describe its browser (an older pywebio_nb "
                "frontend is loaded: reload the page), so session.info is unknown"
            )
        return _browser_info(browser)

    @info.setter
    def info(self, value: Any) -> None:
        """Ignored (``Session.__init__`` sets None): the browser's handshake decides."""

    # --------------------------------------------------------------- cells
    def _remember_cell_parent(self) -> None:
        get_parent = getattr(self.kernel, "get_parent", None)
        if get_parent is not None:
            try:
                self.kernel_transport.cell_parent = get_parent("shell")
            except TypeError:  # older signature without a channel
                self.kernel_transport.cell_parent = get_parent()

    def _pre_run_cell(self, *_args: Any) -> None:
        self._executing = True
        self._cell_root = None
        self._remember_cell_parent()

    def _post_run_cell(self, *_args: Any) -> None:
        self._executing = False
        self.flush()

    def default_root(self) -> str:
        root = root_var.get()
        if root is not None:
            return root
        if threading.current_thread() is threading.main_thread():
            if self._cell_root is None:
                self._cell_root = self._new_root()
            return self._cell_root
        if self._last_root is None:
            self._last_root = self._new_root()
        return self._last_root

    def _new_root(self) -> str:
        from IPython.display import display

        self._roots += 1
        root_id = f"cell-{self._roots}"
        widget = CellRoot(root_id, self.dispatch)
        self.kernel_transport.widgets[root_id] = widget
        self._last_root = root_id
        display(widget)  # type: ignore[no-untyped-call]
        if self.env:  # set_env() is kernel-wide: every later cell output gets it too
            self.send(make_command("set_env", cast(SetEnvSpec, dict(self.env))), root_id)
        return root_id

    def widget(self, root_id: str) -> CellRoot:
        return self.kernel_transport.widgets[root_id]

    # ------------------------------------------------------------ commands
    def send(
        self, command: Command, root_id: str | None = None, *, coalesce_key: Hashable | None = None
    ) -> None:
        super().send(command, root_id, coalesce_key=coalesce_key)
        if len(self._buffer) >= self.MAX_BATCH:
            self.flush()

    def invoke_callback(self, callback: Any, data: Any) -> None:
        """Call the callback on its worker thread; a coroutine callback runs to its end.

        An ``async def`` app's callbacks (``put_buttons``, ``pin_on_change``, ...)
        are coroutine functions: a coroutine session awaits them on its loop. Here
        the worker thread runs the coroutine on a loop of its own (the callback's
        context, and so its cell root, carried along), so the same app's clicks do
        the same in a cell. Its waits (``await pin.x``, ``await input()``) block
        this thread as any kernel thread's do.
        """
        result = super().invoke_callback(callback, data)
        if inspect.iscoroutine(result):
            import asyncio
            import traceback

            from ..exceptions import SessionClosedException

            try:
                asyncio.run(result)
            except SessionClosedException:
                pass
            except Exception:
                self.report_error(traceback.format_exc())

    # --------------------------------------------------------------- waits
    def awaiting(self) -> bool:
        """Whether the calling user code is a coroutine (``await main()`` in a cell).

        IPython's autoawait runs such a cell on the kernel's own asyncio loop,
        but so does it run every plain cell (a running loop and a current task
        exist in both), so the caller's code object tells them apart.
        """
        return _called_from_coroutine()

    def run_exchange(self, exchange: Exchange) -> Any:
        """Wait for ``exchange``; an awaitable of its result when a coroutine calls.

        The same ``async def`` app then runs here as under ``start_server``.
        The wait itself still blocks in the event pump, inside the call: the
        cell's coroutine runs on the loop that would read the widget messages,
        and the pump is what delivers them (and an interrupt) while the cell
        runs. The awaitable it returns is already complete.
        """
        awaiting = self.awaiting()
        if threading.current_thread() is not threading.main_thread():
            result = super().run_exchange(exchange)
        else:
            # An awaited cell runs under ipykernel's SIGINT handler, which only
            # schedules the cell's cancellation on the loop this wait occupies: an
            # interrupt must raise KeyboardInterrupt here, as in a plain cell.
            sigint = signal.signal(signal.SIGINT, signal.default_int_handler)
            try:
                result = super().run_exchange(exchange)
            finally:
                if sigint is not None:
                    signal.signal(signal.SIGINT, sigint)
        return Ready(result) if awaiting else result

    def make_mailbox(self) -> Mailbox:
        pump = self.pump
        return Mailbox(on_put=pump.wake if pump is not None else None)

    def wait_event(self, task_id: str, mailbox: Mailbox, timeout: float | None = None) -> Event:
        self.flush()
        on_main = threading.current_thread() is threading.main_thread()
        if on_main and self.pump is None:
            raise RuntimeError(
                "this ipykernel's internals are not supported, so a cell cannot wait for the "
                "browser (widget messages would queue behind the waiting cell forever). "
                "pywebio_nb supports ipykernel 6.29 and 7.0-7.4; inputs from threads work."
            )
        if self.pump is not None and on_main:
            box: list[Event] = []

            def ready() -> bool:
                if not box:
                    event = mailbox.get_nowait()
                    if event is not None:
                        box.append(event)
                return bool(box)

            if not self.pump.wait(ready, timeout):
                raise TimeoutError(f"no answer for {task_id} within {timeout} s")
            return box[0]
        try:
            return mailbox.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no answer for {task_id} within {timeout} s") from None


def _browser_info(browser: dict[str, Any]) -> Any:
    from urllib.parse import urlsplit

    from user_agents import parse as parse_user_agent

    from ..platform._info import SessionInfo

    origin = str(browser.get("origin", ""))
    return SessionInfo(
        user_agent=parse_user_agent(str(browser.get("user_agent", ""))),
        user_language=str(browser.get("language", "")),
        server_host=urlsplit(origin).netloc,
        origin=origin,
        user_ip="",
        backend="jupyter",
        protocol="comm",
        request=None,
    )


class Ready:
    """An awaitable whose result is already known (no warning when not awaited)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, Any]:
        return self.value
        yield  # a generator function: awaiting it returns at once


_ASYNC_CODE = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE | inspect.CO_ASYNC_GENERATOR


def _called_from_coroutine() -> bool:
    """Whether the innermost caller outside pywebio_nb is a coroutine's frame."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith("pywebio_nb."):
        frame = frame.f_back
    return frame is not None and bool(frame.f_code.co_flags & _ASYNC_CODE)


def kernel_session(create: bool = False) -> KernelSession | None:
    """The running kernel's session (made on first use when ``create``), or None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    session: KernelSession | None = getattr(shell, _ATTR, None)
    if session is None and create:
        session = KernelSession(shell)
        setattr(shell, _ATTR, session)
    return session


def find_kernel_session() -> KernelSession | None:
    """Session finder: the running kernel's session, made on first use (else None)."""
    return kernel_session(create=True)
