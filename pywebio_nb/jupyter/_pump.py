"""The event pump: receive widget messages while a cell blocks the kernel.

A running cell occupies the kernel's main thread, so the comm messages that
carry a form's answer stay queued behind it and a plain ``Event.wait()`` never
returns. While the main thread waits in our API, :class:`EventPump` reads the
stream that feeds the main shell itself:

* ``comm_*``, ``comm_info_request`` and ``kernel_info_request`` are handled at
  once through ``kernel.shell_handlers`` (with busy/idle status published for
  them, as the widget frontend expects);
* every other message (``execute_request`` of the next cells, ...) is handed
  back to ipykernel's own receive callback, where it queues behind the running
  cell and runs after it, in order.

Status order: ipykernel publishes ``busy`` before it handles a request and
``idle`` after. For a message that :attr:`EventPump.reply_first` selects (a
click or an answer to pywebio_nb's own cell roots) the pump publishes both
*after* the handler, and inside a blocking wait only once the cell's next
output left (:meth:`EventPump.publish_deferred`, called by the session's
flush): JupyterLab handles each ``status`` on the page's main thread (kernel
indicator, favicon, a rendering frame: 2-5 ms here), and the output that
arrives behind it waits for all of that. The output's parent is the cell's
request, not the click's, so nothing in the frontend pairs it with the
statuses; the click's own busy/idle pair still arrives, in order.

The wait sleeps in ``zmq.Poller.poll`` on that socket plus a self-pipe that
other threads use to wake it; SIGINT (kernel interrupt) raises
KeyboardInterrupt out of the poll. These are private ipykernel internals
(measured on 6.29 and 7.x, see ``shared/notes/jupyter-blocking.md``): they are
feature-detected and an unknown layout fails with :class:`UnsupportedKernel`.
"""

from __future__ import annotations

import inspect
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import zmq

__all__ = ["EventPump", "UnsupportedKernel"]

logger = logging.getLogger("pywebio_nb.jupyter")

_PUMPED = frozenset(
    {"comm_open", "comm_msg", "comm_close", "comm_info_request", "kernel_info_request"}
)


class UnsupportedKernel(RuntimeError):
    """The running ipykernel does not have the internals the pump needs."""


class EventPump:
    """Dispatches widget messages on the main thread while it waits."""

    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        channel_thread = getattr(kernel, "shell_channel_thread", None)
        if channel_thread is not None and getattr(kernel, "_supports_kernel_subshells", False):
            manager = channel_thread.manager
            pair = getattr(manager, "_shell_channel_to_main", None)
            stream = getattr(pair, "to_stream", None)
            if stream is None:
                raise UnsupportedKernel(
                    "ipykernel 7 layout changed: no shell-channel-to-main stream found; "
                    "pywebio_nb supports ipykernel 6.29 and 7.0-7.4"
                )
            self.stream = stream
            self.reply_stream = manager.get_subshell_to_shell_channel_socket(None)
        elif getattr(kernel, "shell_stream", None) is not None:
            self.stream = kernel.shell_stream
            self.reply_stream = kernel.shell_stream
        else:
            raise UnsupportedKernel("this kernel has no shell stream; is it an ipykernel?")
        self._original: Callable[..., Any] | None = getattr(self.stream, "_recv_callback", None)
        if self._original is None:
            raise UnsupportedKernel("the kernel's shell stream has no receive callback")
        self.socket = self.stream.socket
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._depth = 0
        self.main_thread = threading.main_thread()
        #: Whether a cell is executing (its busy status is re-published after ours).
        self.cell_running: Callable[[], bool] = lambda: True
        #: Whether a message's busy/idle statuses go out after its handler's output
        #: (see the module docstring); the session selects its own comms.
        self.reply_first: Callable[[Any], bool] = lambda msg: False
        #: Called when a message handled inside a wait did not end it: the session
        #: flushes what the handler produced (and so publishes the deferred statuses).
        self.after_dispatch: Callable[[], None] | None = None
        #: (status, parent) held back until the output of the message's handler left.
        self._deferred: list[tuple[str, Any]] = []
        self._deferred_lock = threading.Lock()

    def install(self) -> None:
        """Handle widget messages the moment the kernel's loop reads them.

        Left to ipykernel, a comm message read between two cells becomes an
        asyncio task that cannot run while the next cell blocks in ``input()``
        (a click just before a blocking cell would wait for that cell, which
        may wait for the click's output). Handled synchronously on arrival, it
        never queues.
        """
        self.stream.on_recv(self._on_stream_recv, copy=False)

    def _on_stream_recv(self, raw: list[Any]) -> Any:
        return self._handle(raw, self.cell_running())

    # ---------------------------------------------------------------- statuses
    def publish_deferred(self) -> None:
        """Publish the statuses held back for a handled message (any thread; cheap if none)."""
        if not self._deferred:
            return
        with self._deferred_lock:
            pending, self._deferred = self._deferred, []
        for status, parent in pending:
            if parent is None:
                self.kernel._publish_status(status, "shell")
            else:
                self.kernel._publish_status(status, "shell", parent=parent)

    def _publish_or_defer(self, statuses: list[tuple[str, Any]]) -> None:
        with self._deferred_lock:
            self._deferred.extend(statuses)
        if not self._depth:  # no wait to return to: the handler's output already left
            self.publish_deferred()

    # ---------------------------------------------------------------- waking
    def wake(self) -> None:
        """Wake a waiting pump (callable from any thread)."""
        try:
            os.write(self._wake_w, b"x")
        except BlockingIOError:  # pipe full: it will wake anyway
            pass

    def _drain_wake(self) -> None:
        try:
            while os.read(self._wake_r, 4096):
                pass
        except BlockingIOError:
            pass

    # ---------------------------------------------------------------- waiting
    def wait(self, ready: Callable[[], bool], timeout: float | None = None) -> bool:
        """Pump messages until ``ready()`` is true; False if ``timeout`` (s) ran out."""
        if threading.current_thread() is not self.main_thread:
            raise RuntimeError("the event pump runs on the kernel's main thread only")
        deadline = None if timeout is None else time.monotonic() + timeout
        poller = zmq.Poller()
        poller.register(self.socket, zmq.POLLIN)
        poller.register(self._wake_r, zmq.POLLIN)
        self._depth += 1
        # Statuses held back for the answer to an earlier wait: the cell's output
        # since then was flushed before this wait (the session's wait_event does).
        self.publish_deferred()
        done = False
        try:
            # Messages may already sit in the socket (edge-triggered FD).
            self._drain_socket()
            while not ready():
                self._dispatched()
                if deadline is None:
                    wait_ms = None
                else:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    wait_ms = max(1, int(remaining * 1000))
                events = dict(poller.poll(wait_ms))
                if self._wake_r in events:
                    self._drain_wake()
                self._drain_socket()
            done = True
            return True
        finally:
            self._depth -= 1
            if not done:  # timeout or interrupt: no output of ours will follow
                self.publish_deferred()
            self._rearm_stream()

    def _dispatched(self) -> None:
        """The wait goes on after the messages just handled: their statuses go out now."""
        if not self._deferred:
            return
        if self.after_dispatch is not None:
            self.after_dispatch()  # flushes the handlers' output, then publishes
        self.publish_deferred()

    def _rearm_stream(self) -> None:
        """Let ipykernel's stream see messages left in the socket.

        ZeroMQ's socket FD is edge-triggered and our polls consumed its edges:
        a message left unread (e.g. when an interrupt ended the wait) would
        never wake the kernel's loop, and every later request would queue
        behind it. ZMQStream re-checks the socket and schedules itself.
        """
        rebuild = getattr(self.stream, "_rebuild_io_state", None)
        if rebuild is not None:
            rebuild()
        else:
            logger.warning("cannot re-arm the shell stream; messages may wait for the next one")

    def _drain_socket(self) -> None:
        """Read and handle every queued message, with SIGINT deferred.

        An interrupt between the frames of a multipart message would lose the
        rest of it and break the kernel's shell channel for good, so a SIGINT
        arriving here is held and raised once the socket is consistent.
        """
        interrupted: list[Any] = []
        previous = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(frame))
        try:
            while True:
                try:
                    raw = self.socket.recv_multipart(zmq.NOBLOCK, copy=False)
                except zmq.Again:
                    break
                self._handle(raw, True)
        finally:
            signal.signal(signal.SIGINT, previous)
        if interrupted:
            if callable(previous):
                previous(signal.SIGINT, interrupted[0])
            raise KeyboardInterrupt

    # --------------------------------------------------------------- handling
    def _handle(self, raw: list[Any], in_cell: bool) -> Any:
        """Dispatch a widget message now; give anything else back to ipykernel."""
        kernel = self.kernel
        session = kernel.session
        if not _has_delimiter(raw):
            # Not a Jupyter message: ipykernel 7 sends its main shell a one-part
            # b"stop aborting" marker after a cell error; only ipykernel reads it.
            return self._hand_back(raw)
        try:
            idents, frames = session.feed_identities(raw, copy=False)
            header_only = session.deserialize(frames, content=False, copy=False)
            msg_type = header_only["header"]["msg_type"]
        except Exception:
            logger.warning("pump could not read a shell message; handing it back", exc_info=True)
            return self._hand_back(raw)
        if msg_type not in _PUMPED:
            return self._hand_back(raw)
        try:
            msg = session.deserialize(frames, content=True, copy=False)
        except Exception:
            logger.error("invalid shell message dropped", exc_info=True)
            return
        handler = kernel.shell_handlers.get(msg_type)
        if handler is None:
            return self._hand_back(raw)
        self.publish_deferred()  # an earlier message's statuses precede this one's
        cell_parent = kernel.get_parent("shell") if _has_channel_parent(kernel) else None
        try:
            reply_first = bool(self.reply_first(msg))
        except Exception:
            logger.exception("pump: reply_first failed; statuses keep ipykernel's order")
            reply_first = False
        after: list[tuple[str, Any]] = [("idle", msg)]
        if in_cell:
            after.append(("busy", cell_parent or None))
        if reply_first:
            after.insert(0, ("busy", msg))
        else:
            kernel._publish_status("busy", "shell", parent=msg)
        try:
            result = handler(self.reply_stream, idents, msg)
            if inspect.isawaitable(result):
                _run_to_completion(result)
        except Exception:
            logger.exception("error while handling %s during a blocking wait", msg_type)
        finally:
            if reply_first:
                self._publish_or_defer(after)
            else:
                with self._deferred_lock:
                    self._deferred.extend(after)
                self.publish_deferred()
        return None

    def _hand_back(self, raw: list[Any]) -> Any:
        """Give a message to ipykernel's own receive path (it queues behind the cell)."""
        assert self._original is not None
        if self._depth:
            # inside a wait: schedule it on the loop, it runs after the cell
            self.stream._run_callback(self._original, raw)
            return None
        return self._original(raw)


_DELIMITER = b"<IDS|MSG>"


def _has_delimiter(raw: list[Any]) -> bool:
    """Whether ``raw`` has the frame that starts a Jupyter message (idents before it)."""
    for frame in raw:
        data = frame.bytes if isinstance(frame, zmq.Frame) else bytes(frame)
        if data == _DELIMITER:
            return True
    return False


def _has_channel_parent(kernel: Any) -> bool:
    try:
        inspect.signature(kernel.get_parent).bind("shell")
    except (TypeError, ValueError):
        return False
    return True


def _run_to_completion(awaitable: Any) -> None:
    """Drive a handler coroutine that never really suspends (reply handlers)."""
    coro = awaitable.__await__()
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    raise RuntimeError("a kernel reply handler suspended during a blocking wait")
