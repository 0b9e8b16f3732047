"""The kernel session: one PyWebIO session per IPython kernel.

Every cell, thread and callback of the kernel shares it. Each cell execution
that outputs gets its own *cell root* widget, displayed in that cell; named
scopes are kernel-wide, so a command for scope ``x`` goes to the cell root that
shows ``x`` (the page model knows). Commands are flushed when a callback or a
burst ends, at once when nothing was sent lately, on a short timer during bursts,
and before a blocking wait (:class:`KernelTransport`): far below Jupyter's IOPub
rate limit, and no timer on a click's output.
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
import contextlib
import contextvars
import functools
import inspect
import logging
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Generator, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from types import FrameType
from typing import Any, cast

from ..exceptions import NoFrontendError
from ..protocol import Command, Event, SetEnvSpec, make_command
from ..session._base import Exchange, Mailbox, Session, Transport
from ..session._blobs import CHUNK_SIZE, Blob
from ..session._context import root_var
from ..session._replay import ReplayLog
from ._pump import EventPump, UnsupportedKernel
from ._static_html import display_entries
from ._widget import CellRoot, DisplayRefresher
from ._wire import encode_batch

__all__ = [
    "KernelSession",
    "KernelTransport",
    "find_kernel_session",
    "kernel_session",
    "pack_blobs",
    "track_thread_starts",
]

logger = logging.getLogger("pywebio_nb.jupyter")

_ATTR = "_pywebio_nb_session"


class KernelTransport(Transport):
    """Delivers batches to cell-root widgets; when to flush is its rule (below).

    The flush rule keeps Jupyter's IOPub budget without taxing single updates:

    * a *burst* that ends with a flush of its own — a callback running on its
      worker thread (:meth:`burst`), the main thread while a cell runs (the
      cell's end flushes, and so does every blocking wait) — is sent when it
      ends, or after ``FLUSH_INTERVAL`` if it runs longer (one batch per
      interval while it goes on);
    * anything else (a thread started in a cell, a comm handler) is sent at
      once when nothing was flushed by the timer during the last
      ``FLUSH_INTERVAL``, else when that interval is over: a lone update costs
      no delay, a stream of them leaves at most one message per interval.

    A click's output therefore leaves the kernel as the callback returns, in one
    message, instead of waiting for a timer.
    """

    #: Seconds: the timer sends at most one batch per interval (coalescing window).
    FLUSH_INTERVAL = 0.016
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
        self._timer = threading.Condition()
        #: monotonic time the timer flushes next (None: nothing is waiting)
        self._due: float | None = None
        #: monotonic time of the last flush that sent something (timer or burst end)
        self._last_flush = 0.0
        self._bursts = threading.local()  # per thread: how deep in burst() it is
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._pongs: dict[str, Mailbox] = {}
        #: The browser a handshake's pong described (user_agent, language, origin).
        self.browser: dict[str, Any] | None = None

    def request_flush(self) -> None:
        """The buffer got its first command: arm the timer by the rule above."""
        now = time.monotonic()
        if self._in_burst():
            due = now + self.FLUSH_INTERVAL  # a cap: the burst's end flushes sooner
        else:
            due = max(now, self._last_flush + self.FLUSH_INTERVAL)
        with self._timer:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="pywebio-nb-flush", daemon=True
                )
                self._thread.start()
            if self._due is None or due < self._due:
                self._due = due
                self._timer.notify()

    def _in_burst(self) -> bool:
        if getattr(self._bursts, "depth", 0):
            return True
        on_main = threading.current_thread() is threading.main_thread()
        return on_main and bool(getattr(self.session, "_executing", False))

    @contextlib.contextmanager
    def burst(self) -> Iterator[None]:
        """Mark the calling thread's commands as one burst, flushed when it ends.

        Threads the code starts meanwhile are not part of it (thread-local).
        """
        self._bursts.depth = getattr(self._bursts, "depth", 0) + 1
        try:
            yield
        finally:
            self._bursts.depth -= 1
            if not self._bursts.depth:
                self._flush_now()

    def _flush_now(self) -> None:
        if self.session._buffer:  # only a flush that sends starts a new interval
            self._last_flush = time.monotonic()
        self.session.flush()

    def _run(self) -> None:
        while not self._stopped:
            with self._timer:
                if self._due is None:
                    self._timer.wait()
                    continue
                delay = self._due - time.monotonic()
                if delay > 0:
                    self._timer.wait(delay)  # woken early when the due time moves closer
                    continue
                self._due = None
            try:
                self._flush_now()
            except Exception:
                logger.exception("flushing PyWebIO output to the notebook failed")

    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        """Unused: the kernel session keeps a replay log, so its batches are numbered."""
        replay = self.session.replay
        self.deliver_numbered(root_id, replay.last(root_id) if replay else 0, batch, blobs)

    def deliver_numbered(
        self, root_id: str, seq: int, batch: list[Command], blobs: Sequence[Blob] = ()
    ) -> None:
        """Send batch ``seq`` to its cell root's widget, numbered on the wire (``_wire``)."""
        widget = self.widgets.get(root_id)
        if widget is None:
            logger.warning("dropped %d commands for unknown cell root %s", len(batch), root_id)
            return
        messages = pack_blobs(blobs)
        if messages:
            messages[-1][0].extend(batch)  # the batch rides with the last chunks
        else:
            messages = [(list(batch), [])]
        parts = len(messages)
        token = None
        if self._parent_var is not None and self.cell_parent:
            token = self._parent_var.set(self.cell_parent)
        try:
            for part, (commands, buffers) in enumerate(messages):
                widget.send(encode_batch(seq, commands, part, parts), buffers or None)
        finally:
            if token is not None and self._parent_var is not None:
                self._parent_var.reset(token)

    def close(self) -> None:
        with self._timer:
            self._stopped = True
            self._timer.notify()

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

    #: A view missing more batches than this gets a snapshot (one ``resync``
    #: message) instead of a replay: a long replay would spend the IOPub budget
    #: (a reload restores every cell root of the notebook at once).
    MAX_REPLAY = 16

    def on_event(self, event: Event) -> bool:
        """A ``pong`` wakes the handshake waiting for it; a ``resume`` catches a view up."""
        if event["event"] == "resume":
            self._resume(event["data"]["root"], event["data"]["applied"])
            return True
        if event["event"] != "pong":
            return False
        if isinstance(event["data"].get("user_agent"), str):
            self.browser = dict(event["data"])
        ping_id = event["data"]["id"]
        mailbox = self._pongs.get(ping_id)
        if mailbox is not None:
            mailbox.put(event)
        return True

    def _resume(self, root_id: str, applied: int) -> None:
        """A view of ``root_id`` has applied ``applied`` batches: send it what it misses.

        The answer goes to every view of the comm (a comm has no per-view
        address); the others ignore batches they applied already.
        """
        session = self.session
        replay = session.replay
        if root_id not in self.widgets or replay is None:
            logger.info("ignored resume of unknown cell root %r", root_id)
            return
        last = replay.last(root_id)
        if last - applied > self.MAX_REPLAY:
            applied = -1  # older than anything kept: catch_up answers with a resync
        resumed = session.resume(self, applied, root_id)
        if resumed and replay.last(root_id) > last and session.env:
            # A resync rebuilt the view from the page model, which has no set_env().
            session.send(make_command("set_env", cast(SetEnvSpec, dict(session.env))), root_id)


@dataclass(eq=False)
class _CellRun:
    """One execution of a cell: its request, and its root once it output something."""

    parent: Any
    root: str | None = None
    #: The cell was run again: this run's output goes nowhere.
    retired: bool = False


#: The root of output from a retired run that never had a root: dropped.
_RETIRED_ROOT = "retired"

_RUN_ATTR = "_pywebio_nb_origin"


def _msg_id(parent: Any) -> str | None:
    header = parent.get("header") if isinstance(parent, dict) else None
    msg_id = header.get("msg_id") if isinstance(header, dict) else None
    return msg_id if isinstance(msg_id, str) and msg_id else None


def _origin_of_caller() -> Any:
    """What a thread started now writes into: a root id (a callback's), a cell run,
    the running cell's execute request (no session yet), or None."""
    root = root_var.get()
    if root is not None:
        return root
    thread = threading.current_thread()
    if thread is not threading.main_thread():
        return getattr(thread, _RUN_ATTR, None)
    session = kernel_session()
    if session is not None:
        return session._run
    from IPython import get_ipython

    kernel = getattr(get_ipython(), "kernel", None)
    get_parent = getattr(kernel, "get_parent", None)
    if get_parent is None:
        return None
    try:
        return get_parent("shell")
    except TypeError:  # older signature without a channel
        return get_parent()


def track_thread_starts() -> None:
    """Tag every thread started from now on with the cell it belongs to.

    A thread started by a cell (or by a thread of it) writes into that cell,
    also after the cell ended; one started by a callback writes where the
    callback does. Python threads do not inherit context variables (before
    3.14), so ``threading.Thread.start`` notes it on the thread object.
    Installed once per kernel process, when the notebook runtime is imported
    (before the cell's first thread can start).
    """
    original = threading.Thread.start
    if getattr(original, "_pywebio_nb", False):
        return

    @functools.wraps(original)
    def start(self: threading.Thread) -> None:
        if not hasattr(self, _RUN_ATTR):
            try:
                origin = _origin_of_caller()
            except Exception:  # never let the tag break a thread's start
                logger.debug("could not tell which cell starts a thread", exc_info=True)
                origin = None
            if origin is not None:
                setattr(self, _RUN_ATTR, origin)
        original(self)

    start._pywebio_nb = True  # type: ignore[attr-defined]
    threading.Thread.start = start  # type: ignore[method-assign]


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
        # Every cell root's batches are numbered and kept until its views
        # acknowledge them: a reloaded page or a second tab catches up from here.
        self.replay = ReplayLog()
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
            # A click's or an answer's output reaches the page ahead of the
            # kernel's statuses for it (see _pump); flush() publishes them after.
            self.pump.reply_first = self._for_a_cell_root
            self.pump.after_dispatch = self.flush
            self.pump.install()
        #: The cell running (or the last one run): its root is made on its first output.
        self._run = _CellRun(self.kernel_transport.cell_parent)
        #: The last run of each cell, by the frontend's cell id: a re-run replaces it.
        self._runs: dict[str, _CellRun] = {}
        #: Runs by their execute request's msg_id (threads tagged before a run was known).
        self._runs_by_msg: dict[str, _CellRun] = {}
        self._note_run(self._run)
        self._root_lock = threading.Lock()
        #: Roots of re-run cells: output still sent to them is dropped.
        self._retired: set[str] = {_RETIRED_ROOT}
        self._last_root: str | None = None
        self._roots = 0
        #: id of a click's callback copy -> set when it returned (see run_callback)
        self._graces: dict[int, threading.Event] = {}
        track_thread_starts()
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
        self._remember_cell_parent()
        self._run = _CellRun(self.kernel_transport.cell_parent)
        self._note_run(self._run)

    def _note_run(self, run: _CellRun) -> None:
        """Remember ``run`` as its cell's latest; the cell's previous root goes.

        JupyterLab and Notebook 7 name the cell in the execute request
        (``metadata.cellId``); re-running the cell clears its outputs there, so
        its older root, with the callbacks registered for it, is retired.
        """
        msg_id = _msg_id(run.parent)
        if msg_id is not None:
            self._runs_by_msg.setdefault(msg_id, run)
        metadata = run.parent.get("metadata") if isinstance(run.parent, dict) else None
        cell_id = metadata.get("cellId") if isinstance(metadata, dict) else None
        if not isinstance(cell_id, str) or not cell_id:
            return
        old = self._runs.get(cell_id)
        self._runs[cell_id] = run
        if old is not None and old is not run:
            old.retired = True  # its threads may still run: they write nowhere now
            if old.root is not None:
                self.retire_root(old.root)

    def retire_root(self, root_id: str) -> None:
        """Forget cell root ``root_id``: its widget (closed), callbacks, scopes and history.

        Output still sent to it later (a thread of the old run) is dropped.
        """
        widget = self.kernel_transport.widgets.pop(root_id, None)
        self._retired.add(root_id)
        with self._lock:
            for callback_id, callback in list(self._callbacks.items()):
                if callback.context.get(root_var) == root_id:
                    del self._callbacks[callback_id]
            self.page.drop_root(root_id)
        with self._flush_lock:
            if self.replay is not None:
                self.replay.forget(root_id)
        if self._last_root == root_id:
            self._last_root = None
        if widget is not None:
            widget.close()

    def flush(self) -> None:
        """Send what is buffered, then the statuses the pump held back behind it."""
        super().flush()
        pump = getattr(self, "pump", None)  # None until __init__ made it
        if pump is not None:
            pump.publish_deferred()

    def _for_a_cell_root(self, msg: Any) -> bool:
        """Whether a shell message is a ``comm_msg`` to one of this session's cell roots."""
        if msg["header"]["msg_type"] != "comm_msg":
            return False
        comm_id = msg["content"].get("comm_id")
        return any(w.model_id == comm_id for w in list(self.kernel_transport.widgets.values()))

    def _post_run_cell(self, *_args: Any) -> None:
        self._executing = False
        self.flush()
        if self._displays is not None:  # the saved notebook gets the cell's final content
            self._displays.refresh_now()

    def default_root(self) -> str:
        """The root of the calling code: a callback's, else the cell run it belongs to.

        The main thread belongs to the running cell; a thread to the cell run
        that started it (see :func:`_track_thread_starts`), also after that
        cell ended. A root is made (and displayed in its cell) on first use.
        """
        root = root_var.get()
        if root is not None:
            return root
        thread = threading.current_thread()
        on_main = thread is threading.main_thread()
        origin = self._run if on_main else getattr(thread, _RUN_ATTR, None)
        if isinstance(origin, str):  # a thread a callback started: the callback's root
            return origin
        with self._root_lock:
            run = origin if isinstance(origin, _CellRun) else self._run_of(origin)
            if run is not None and run.retired:
                return _RETIRED_ROOT
            if run is None:  # a thread started before this session existed
                if self._last_root is None:
                    self._last_root = self._new_root()
                return self._last_root
            if run.root is None:
                run.root = self._new_root() if on_main else self._new_root_in(run)
            return run.root

    def _run_of(self, parent: Any) -> _CellRun | None:
        """The run of the cell whose execute request is ``parent`` (None: unknown origin)."""
        msg_id = _msg_id(parent)
        if msg_id is None:
            return None
        run = self._runs_by_msg.get(msg_id)
        if run is None:  # a cell that ran before this session existed
            run = self._runs_by_msg[msg_id] = _CellRun(parent)
        return run

    def _new_root_in(self, run: _CellRun) -> str:
        """Make a root from a thread, displayed in the cell of ``run`` (maybe ended)."""
        display_pub = getattr(self.shell, "display_pub", None)
        set_thread_parent = getattr(display_pub, "set_thread_parent", None)
        if set_thread_parent is not None:  # ipykernel 7: this thread's parent only
            token = set_thread_parent(run.parent)
            try:
                return self._new_root()
            finally:
                display_pub.reset_thread_parent(token)  # type: ignore[union-attr]
        if display_pub is None or not isinstance(run.parent, dict):
            return self._new_root()
        # ipykernel 6: one parent for all threads, swapped for this display only.
        from jupyter_client.session import extract_header

        saved = display_pub.parent_header
        display_pub.parent_header = extract_header(run.parent)
        try:
            return self._new_root()
        finally:
            display_pub.parent_header = saved

    def _new_root(self) -> str:
        from IPython.display import display

        self._roots += 1
        root_id = f"cell-{self._roots}"
        widget = CellRoot(root_id, self.dispatch)
        if self.save_static:
            widget.static_entries = lambda: self.static_entries(root_id)
            if self._displays is None:
                self._displays = DisplayRefresher(self._publish_display)
        self.kernel_transport.widgets[root_id] = widget
        self._last_root = root_id
        display(widget, display_id=widget.display_id)  # type: ignore[no-untyped-call]
        if self.env:  # set_env() is kernel-wide: every later cell output gets it too
            self.send(make_command("set_env", cast(SetEnvSpec, dict(self.env))), root_id)
        return root_id

    def widget(self, root_id: str) -> CellRoot:
        return self.kernel_transport.widgets[root_id]

    # ------------------------------------------------------- saved displays
    #: Whether cell roots carry a static copy (``text/html`` and a snapshot) in
    #: their display, for saved notebooks; ``PYWEBIO_NB_STATIC_HTML=0`` turns it off.
    save_static = os.environ.get("PYWEBIO_NB_STATIC_HTML", "1") != "0"
    _displays: DisplayRefresher | None = None

    def static_entries(self, root_id: str) -> dict[str, Any]:
        """The display entries of ``root_id`` beside its widget view (see ``_static_html``).

        The snapshot is taken under the session's lock (a copy of the page
        model's specs); the rendering happens outside it.
        """
        with self._lock:
            commands = self.page.snapshot(root_id) + self.page.open_requests(root_id)
            blobs = self.blobs.referenced(commands)
        return display_entries(root_id, commands, blobs)

    def _publish_display(self, root_id: str) -> None:
        """Send ``update_display_data`` with ``root_id``'s current display bundle.

        Its parent is the running (or last) cell's request, as for the comm
        messages: clients that follow the running cell (nbclient) keep it.
        """
        widget = self.kernel_transport.widgets.get(root_id)
        bundle = widget._repr_mimebundle_() if widget is not None else None
        if widget is None or bundle is None:
            return
        data, metadata = bundle
        transient = {"display_id": widget.display_id}
        kernel: Any = self.kernel
        socket = getattr(kernel, "iopub_socket", None)
        if socket is None:
            from IPython.display import publish_display_data

            publish_display_data(data, metadata, transient=transient, update=True)  # type: ignore[no-untyped-call]
            return
        content = {"data": data, "metadata": metadata, "transient": transient}
        parent = self.kernel_transport.cell_parent or None
        kernel.session.send(
            socket, "update_display_data", content, parent=parent, ident=b"display_data"
        )

    def _deliver(self, root: str, batch: list[Command], blobs: list[Blob] | None) -> None:
        super()._deliver(root, batch, blobs)
        if self._displays is not None:  # one dict update per batch; rendering comes later
            self._displays.changed(root)

    # ------------------------------------------------------------ commands
    def send(
        self, command: Command, root_id: str | None = None, *, coalesce_key: Hashable | None = None
    ) -> None:
        root = root_id if root_id is not None else self.route(command)
        if root in self._retired:  # a thread of a re-run cell's old run: nowhere to show
            logger.debug("dropped %s for the retired cell root %s", command["command"], root)
            return
        super().send(command, root, coalesce_key=coalesce_key)
        if len(self._buffer) >= self.MAX_BATCH:
            self.flush()

    #: Seconds the kernel's message loop waits for a click's callback to finish
    #: before it goes on (and reports idle): a quick callback's output then reaches
    #: the page ahead of the kernel's idle status, instead of queuing behind the
    #: page's handling of it (``bench/bench_jupyterlab_latency.py``). A longer
    #: callback simply goes on alone on its worker thread.
    CALLBACK_GRACE = 0.01

    def run_callback(self, callback: Any, data: Any) -> None:
        """Start the callback on its worker; on the kernel's loop, wait a moment for it."""
        if (
            self.CALLBACK_GRACE <= 0
            or threading.current_thread() is not threading.main_thread()
            or inspect.iscoroutinefunction(callback.func)
        ):
            super().run_callback(callback, data)
            return
        marked = replace(callback)  # this click's own copy carries the signal
        done = self._graces[id(marked)] = threading.Event()
        try:
            super().run_callback(marked, data)
            done.wait(self.CALLBACK_GRACE)
        finally:
            self._graces.pop(id(marked), None)

    def invoke_callback(self, callback: Any, data: Any) -> None:
        """Call the callback on its worker thread; a coroutine callback runs to its end.

        An ``async def`` app's callbacks (``put_buttons``, ``pin_on_change``, ...)
        are coroutine functions: a coroutine session awaits them on its loop. Here
        the worker thread runs the coroutine on a loop of its own (the callback's
        context, and so its cell root, carried along), so the same app's clicks do
        the same in a cell. Its waits (``await pin.x``, ``await input()``) block
        this thread as any kernel thread's do.
        """
        with self.kernel_transport.burst():  # its output leaves as it returns
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
        grace = self._graces.get(id(callback))
        if grace is not None:  # output flushed: the kernel's loop may report idle
            grace.set()

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
