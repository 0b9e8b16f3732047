"""The transport-agnostic session core.

A :class:`Session` owns everything one user's interaction needs:

* an outgoing command buffer, flushed as *one* batch per wakeup (the transport
  decides when: a Tornado IOLoop callback, a notebook timer, or at once before
  a blocking wait);
* the :class:`~pywebio_nb.session._page_model.PageModel`, updated by every
  output command;
* mailboxes of pending waits keyed by task id (an input form, an ``eval_js``);
* callbacks keyed by unguessable ids, each run in the context where it was
  registered;
* ``local``, ``defer_call`` and the close semantics of the manual.

Every wait for the browser (a form, an ``eval_js``) is an :class:`Exchange`
run by one driver, :meth:`Session.exchange_steps`; how a caller *waits* is the
only thing that differs per variant: a thread blocks on a queue
(:class:`ThreadSession`), a coroutine awaits (``CoroutineSession``), and the
notebook's main thread pumps kernel messages (the notebook runtime's session).
The public API only ever talks to the session, never to a transport.

The core knows nothing of the runtimes above it: a transport may take part in
a wait (:meth:`Transport.before_wait`) and receives the protocol's extension
events (:meth:`Transport.on_event`), which is how the notebook runtime runs its
handshake without the core knowing about it.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import itertools
import logging
import queue
import secrets
import threading
import time
import traceback
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..exceptions import SessionClosedException
from ..protocol import (
    EXTENSION_EVENT_NAMES,
    Command,
    Event,
    OutputSpec,
    ProtocolError,
    make_command,
    parse_event,
    scope_selector,
)
from ._blobs import Blob, BlobStore, UploadStore
from ._context import current_root, root_var, scope_stack_var, session_var
from ._page_model import ROOT, SCOPE_PREFIX, PageModel
from ._replay import Delivered, ReplayLog
from ._workers import CallbackWorkers

__all__ = [
    "Exchange",
    "JsRequest",
    "Mailbox",
    "Session",
    "SessionLocal",
    "ThreadSession",
    "Transport",
]

logger = logging.getLogger("pywebio_nb.session")

_CLOSED = object()

#: The selector of the ROOT scope, where most output goes (see Session.route).
_ROOT_SELECTOR = "#" + SCOPE_PREFIX + ROOT
#: The hold rule (``Session.HOLD_SECONDS``) reads the clock every this many
#: buffered commands (it costs more than the rest of a send).
_CLOCK_EVERY = 32


class Transport(ABC):
    """How a session's commands reach a frontend.

    ``attach`` is called once by the session; ``request_flush`` whenever the
    buffer goes from empty to non-empty (arrange for ``session.flush()`` to run
    soon, on whatever thread suits the transport); ``deliver`` sends one batch
    to one root, with the bytes of the blobs it refers to; ``close`` ends the
    connection.
    """

    session: Session

    def attach(self, session: Session) -> None:
        self.session = session

    def request_flush(self) -> None:
        """Default: flush at once (no batching across calls)."""
        self.session.flush()

    def request_flush_later(self, delay: float) -> None:
        """Arrange for ``session.flush_due()`` to run in ``delay`` seconds, and again
        after the seconds it returns, until it returns 0.

        For a burst of output from an app thread, which flushes by itself
        every ``HOLD_SECONDS``: the transport flushes only what the thread
        leaves held longer than that (it went quiet), rather than taking each
        new batch piecemeal as it starts. Default: :meth:`request_flush`.
        """
        self.request_flush()

    @abstractmethod
    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        """Send ``batch`` (a list of commands, in order) to ``root_id``.

        ``blobs`` are blobs that commands of the batch refer to and that this
        root has not been sent yet: their bytes (``Blob.chunks()``, each chunk
        announced by a ``blob`` command) must reach the frontend before the
        batch, as binary data (comm buffers, binary frames), never as JSON text.
        The session passes ``blobs`` only when there are some.
        """

    def deliver_numbered(
        self, root_id: str, seq: int, batch: list[Command], blobs: Sequence[Blob] = ()
    ) -> None:
        """Send batch number ``seq`` of ``root_id`` (a session with a replay log).

        A transport that can lose messages on the way puts ``seq`` on the wire
        (the notebook comm) so its frontend can see a gap; by default the
        number stays implicit (a WebSocket keeps order) and this is :meth:`deliver`.
        """
        if blobs:
            self.deliver(root_id, batch, blobs)
        else:
            self.deliver(root_id, batch)

    def before_wait(self, root_id: str) -> None:  # noqa: B027 - optional hook
        """Called once a request for ``root_id`` is sent, before the session waits.

        A transport that must first know a frontend is listening checks it here
        (and raises, rather than letting the wait hang). Default: nothing.
        """

    def on_event(self, event: Event) -> bool:
        """Handle an extension event (``protocol.EXTENSION_EVENT_NAMES``).

        The session core hands these over untouched; return True when handled.
        """
        return False

    def close(self) -> None:  # noqa: B027 - optional hook
        """Close the connection to the frontend (default: nothing to do)."""


class Exchange(Protocol):
    """One wait for the browser: send something, then feed it events until done.

    :class:`~pywebio_nb._form.FormRequest` (a form) and :class:`JsRequest` (a
    command answered by ``js_yield``) are the two kinds.
    """

    task_id: str
    root_id: str
    result: Any

    def start(self) -> None:
        """Send what asks the browser (buffered; the wait flushes it)."""

    def feed(self, event: Event) -> bool:
        """Handle one event for ``task_id``; True when ``result`` is final."""

    def finish(self) -> None:
        """Clean up after the wait, whether it ended normally or not."""


class JsRequest:
    """A command the browser answers with one ``js_yield`` event (``eval_js``, pin values)."""

    def __init__(self, session: Session, command: Command) -> None:
        self.session = session
        self.task_id = command["task_id"] or session.new_task_id("req")
        command["task_id"] = self.task_id
        self.command = command
        self.root_id = session.default_root()
        self.result: Any = None

    def start(self) -> None:
        self.session.send(self.command, self.root_id)

    def feed(self, event: Event) -> bool:
        if event["event"] == "js_yield":
            self.result = event["data"]
            return True
        logger.info("ignored %s event while waiting for js_yield", event["event"])
        return False

    def finish(self) -> None:
        pass


class Mailbox:
    """Events for one pending wait; a closed mailbox wakes its waiter."""

    def __init__(self, on_put: Callable[[], None] | None = None) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._on_put = on_put

    def put(self, event: Event) -> None:
        self._queue.put(event)
        if self._on_put is not None:
            self._on_put()

    def close(self) -> None:
        self._queue.put(_CLOSED)
        if self._on_put is not None:
            self._on_put()

    def get(self, timeout: float | None = None) -> Event:
        """Block until an event arrives; raise SessionClosedException on close."""
        item = self._queue.get(timeout=timeout)
        return self._unwrap(item)

    def get_nowait(self) -> Event | None:
        try:
            item = self._queue.get_nowait()
        except queue.Empty:
            return None
        return self._unwrap(item)

    def _unwrap(self, item: Any) -> Event:
        if item is _CLOSED:
            self._queue.put(_CLOSED)  # stay closed for any further get
            raise SessionClosedException("the session was closed while waiting for the browser")
        event: Event = item
        return event


class SessionLocal:
    """Session-local storage: attribute access, missing attributes are None."""

    def __init__(self) -> None:
        object.__setattr__(self, "_dict", {})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._dict.get(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._dict[name] = value

    def __delattr__(self, name: str) -> None:
        self._dict.pop(name, None)

    def __getitem__(self, key: Any) -> Any:
        return self._dict.get(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._dict[key] = value

    def __delitem__(self, key: Any) -> None:
        self._dict.pop(key, None)

    def __contains__(self, key: Any) -> bool:
        return key in self._dict

    def __iter__(self) -> Any:
        return iter(self._dict)

    def __repr__(self) -> str:
        return f"SessionLocal({self._dict!r})"


@dataclass(slots=True)  # one per registered callback: no instance dict
class _Callback:
    func: Callable[..., Any]
    context: contextvars.Context
    serial: bool
    mutex: bool
    running: bool = False
    #: Whether ``func`` is a coroutine function (a coroutine session asks once).
    coroutine: bool | None = None


class Session:
    """One user's interaction, independent of how it reaches the browser."""

    #: Root id of the page of a server session.
    PAGE_ROOT = "page"
    #: Callback worker threads per session (thread and kernel sessions).
    CALLBACK_WORKERS = 8
    #: Output is batched until the transport's scheduled flush runs. An app that
    #: outputs in a long loop can keep that flush from running (a coroutine that
    #: never yields; a thread holding the GIL), so :meth:`send` also flushes by
    #: itself once the oldest buffered command waited this long (seconds) or
    #: ``HOLD_COMMANDS`` piled up. None: only the transport flushes (a notebook
    #: kernel, whose transport paces what it sends for IOPub's sake).
    HOLD_SECONDS: float | None = None
    #: Checked every ``_CLOCK_EVERY`` buffered commands.
    HOLD_COMMANDS = 5000

    def __init__(self, transport: Transport, *, info: Any = None) -> None:
        self.transport = transport
        self.page = PageModel()
        self.local = SessionLocal()
        #: What ``set_env()`` set (e.g. ``http_pull_interval`` for an HTTP transport).
        self.env: dict[str, Any] = {}
        self.info = info
        self._lock = threading.RLock()
        self._flush_lock = threading.Lock()  # keeps batches in order across threads
        # What the next flush delivers: the commands, in order, and the runs of
        # them that go to one root: (index of the run's first command, root).
        # Not a (root, command) pair per command: put_text() in a loop makes one
        # run, and a flush delivers the buffer itself as its batch.
        self._buffer: list[Command] = []
        self._buffer_runs: list[tuple[int, str]] = []
        # Made on first use (see the blobs and uploads properties): most sessions
        # never show a blob nor take an upload, and each store costs ~0.5 KB.
        self._blob_store: BlobStore | None = None
        self._upload_store: UploadStore | None = None
        self._blob_outbox: list[tuple[str, Blob]] = []  # blobs for the next flush, by root
        #: Delivered batches kept until the frontend acknowledges them, for a
        #: frontend that comes back (:meth:`resume`); None: no reconnect.
        self.replay: ReplayLog | None = None
        #: The id a server gave this session (``set_session_id``), None elsewhere.
        self.session_id: str | None = None
        self._callbacks: dict[str, _Callback] = {}
        self._mailboxes: dict[str, Mailbox] = {}
        self._deferred: list[Callable[[], Any]] = []
        self._task_ids = itertools.count(1)
        self._closed = False
        #: coalesce key -> (id of the buffer list it went into, the command)
        self._coalesced: dict[Hashable, tuple[int, Command]] = {}
        #: The callback workers, each made on first use: (the pool, the serial
        #: thread). One attribute for two: a session keeps under 30 attributes,
        #: past which CPython gives each instance its own dict (~1.5 KB more).
        self._workers: tuple[CallbackWorkers | None, CallbackWorkers | None] = (None, None)
        self._held_since = 0.0  # when the buffer's oldest command was buffered
        transport.attach(self)

    # ---------------------------------------------------------------- state
    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def blobs(self) -> BlobStore:
        """The session's binary content (see ``_blobs``); specs refer to it by id,
        and blobs that no root of the page model shows any more are dropped."""
        store = self._blob_store
        if store is None:
            with self._lock:
                if self._blob_store is None:
                    self._blob_store = BlobStore(live=_shown_specs_of(weakref.ref(self)))
                store = self._blob_store
        return store

    @property
    def uploads(self) -> UploadStore:
        """Files browsers upload to the waiting forms' file items (see ``_blobs``)."""
        store = self._upload_store
        if store is None:
            with self._lock:
                if self._upload_store is None:
                    self._upload_store = UploadStore()
                store = self._upload_store
        return store

    def new_task_id(self, prefix: str = "task") -> str:
        return f"{prefix}-{next(self._task_ids)}"

    def default_root(self) -> str:
        """The root that output of the calling code goes to."""
        return current_root() or self.PAGE_ROOT

    def route(self, command: Command) -> str:
        """The root a command belongs to: its target scope's root, else the default."""
        spec: Any = command.get("spec")
        if isinstance(spec, dict):
            # The hot path (put_text in a loop): output into ROOT is the caller's root.
            if spec.get("scope") == _ROOT_SELECTOR and "set_scope" not in spec:
                return self.default_root()
            existing = spec.get("set_scope")
            if isinstance(existing, str) and existing.startswith(SCOPE_PREFIX):
                root = self.page.root_of(existing[len(SCOPE_PREFIX) :])
                if root is not None:
                    return root
            for key in (
                "scope",
                "container",
                "clear",
                "remove",
                "scroll_to",
                "clear_before",
                "clear_after",
            ):
                selector = spec.get(key)
                if isinstance(selector, str) and selector.startswith("#" + SCOPE_PREFIX):
                    name = selector[len(SCOPE_PREFIX) + 1 :]
                    if name != ROOT:
                        root = self.page.root_of(name)
                        if root is not None:
                            return root
                    break
        return self.default_root()

    # ------------------------------------------------------------- commands
    def send(
        self, command: Command, root_id: str | None = None, *, coalesce_key: Hashable | None = None
    ) -> None:
        """Buffer one command (flushed in a batch soon); updates the page model.

        ``coalesce_key`` marks an *overwriting* command (a progress bar's new
        value): a still-buffered command sent with the same key (and root) is
        dropped, and this one is appended in its stead, so a burst sends only
        the last. Only use it when the newer command makes the older one's
        effect invisible.
        """
        root = root_id if root_id is not None else self.route(command)
        with self._lock:
            if self._closed:
                raise SessionClosedException("the session is closed; nothing can be sent")
            self.page.apply(command, root)
            first = not self._buffer
            if coalesce_key is not None:
                self._drop_coalesced(coalesce_key, root)
                self._coalesced[coalesce_key] = (id(self._buffer), command)
            held = self._hold(root, command)
            blobs = self._blob_store
            if blobs is not None and blobs.has_unsent:  # no spec walk without blobs
                for blob in blobs.take_referenced(command.get("spec")):
                    self._blob_outbox.append((root, blob))
        if first or held % _CLOCK_EVERY == 0:
            self._buffered(first, held)

    def send_output(self, spec: OutputSpec) -> None:
        """:meth:`send` of ``{"command": "output", "task_id": None, "spec": spec}``.

        What every ``put_*()`` sends. Appended to the caller's ROOT scope (the
        usual case, and ``put_text()`` in a loop), it takes a shorter path to
        the same effects: no routing, no command dispatch in the page model.
        A subclass that overrides :meth:`send` gets this through its ``send``.
        """
        command: Command = {"command": "output", "task_id": None, "spec": spec}
        if spec.get("scope") != _ROOT_SELECTOR or spec.get("position", -1) != -1:
            self.send(command)
            return
        root = current_root() or self.PAGE_ROOT  # what route() says for ROOT
        lock = self._lock
        # Not ``with``: it makes two bound methods per call (~80 ns of ~2 us here).
        lock.acquire()
        try:
            if self._closed:
                raise SessionClosedException("the session is closed; nothing can be sent")
            self.page.append_output(spec, root)
            buffer = self._buffer
            runs = self._buffer_runs  # what _hold() does, inline
            if not runs or runs[-1][1] != root:
                runs.append((len(buffer), root))
            buffer.append(command)
            held = len(buffer)
            blobs = self._blob_store
            if blobs is not None and blobs.has_unsent:  # no spec walk without blobs
                for blob in blobs.take_referenced(spec):
                    self._blob_outbox.append((root, blob))
        finally:
            lock.release()
        if held == 1 or held % _CLOCK_EVERY == 0:
            self._buffered(held == 1, held)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "send" in cls.__dict__ and "send_output" not in cls.__dict__:
            # Its send() does more (or less) than the base's: outputs go through it.
            cls.send_output = Session._send_output_through_send  # type: ignore[method-assign]

    def _send_output_through_send(self, spec: OutputSpec) -> None:
        """``send_output`` of a subclass with its own :meth:`send`."""
        self.send({"command": "output", "task_id": None, "spec": spec})

    def _buffered(self, first: bool, held: int) -> None:
        """After :meth:`send` buffered a command: ``held`` are buffered now.

        The first asks the transport for a flush; later ones may flush here
        (see ``HOLD_SECONDS``). Called for the first and every
        ``_CLOCK_EVERY``-th command (which is when ``HOLD_COMMANDS`` is checked).
        """
        if first:
            if self.HOLD_SECONDS is not None:
                self._held_since = time.perf_counter()
            self.transport.request_flush()
        elif self.HOLD_SECONDS is not None and (
            held >= self.HOLD_COMMANDS
            or time.perf_counter() - self._held_since >= self.HOLD_SECONDS
        ):
            self._hold_expired()

    def _hold_expired(self) -> None:
        """The buffer was held ``HOLD_SECONDS`` (or ``HOLD_COMMANDS`` piled up): flush it."""
        self.flush()

    def flush_due(self) -> float:
        """Flush if the oldest buffered command waited ``HOLD_SECONDS``; else the seconds left.

        Returns 0.0 once there is nothing left to wait for: flushed now, or
        nothing buffered (see :meth:`Transport.request_flush_later`).
        """
        if not self._buffer:
            return 0.0
        hold = self.HOLD_SECONDS or 0.0
        left = self._held_since + hold - time.perf_counter()
        if left > 0:
            return left
        self.flush()
        return 0.0

    def _hold(self, root: str, command: Command) -> int:
        """Buffer ``command`` for ``root`` (the lock is held); returns how many are held."""
        buffer = self._buffer
        if not self._buffer_runs or self._buffer_runs[-1][1] != root:
            self._buffer_runs.append((len(buffer), root))
        buffer.append(command)
        return len(buffer)

    def _drop_coalesced(self, key: Hashable, root: str) -> None:
        """Remove the buffered command last sent with ``key`` (the lock is held).

        The entry remembers which buffer list it went into: a flush swaps the
        list, so an entry of a flushed batch is skipped without a search. The
        command is looked for from the end, where a burst leaves it.
        """
        entry = self._coalesced.pop(key, None)
        if entry is None or entry[0] != id(self._buffer):
            return
        old = entry[1]
        buffer, runs = self._buffer, self._buffer_runs
        for index in range(len(buffer) - 1, -1, -1):
            if buffer[index] is old:
                break
        else:
            return
        # The run holding it, and whether that is ``root``'s.
        run = max(i for i, (start, _) in enumerate(runs) if start <= index)
        if runs[run][1] != root:
            return
        del buffer[index]
        runs[run + 1 :] = [(start - 1, run_root) for start, run_root in runs[run + 1 :]]
        end = runs[run + 1][0] if run + 1 < len(runs) else len(buffer)
        if runs[run][0] == end:  # the run is empty now: it goes, and its
            del runs[run]  # neighbours join when they go to one root
            if 0 < run < len(runs) and runs[run - 1][1] == runs[run][1]:
                del runs[run]

    def flush(self) -> None:
        """Deliver everything buffered: one batch per root, in order."""
        with self._flush_lock:
            with self._lock:
                buffered, self._buffer = self._buffer, []
                runs, self._buffer_runs = self._buffer_runs, []
                outbox, self._blob_outbox = self._blob_outbox, []
            if not buffered:
                return
            # A blob goes with the first batch of its root in this flush: that
            # batch holds (or precedes) the command that refers to it.
            blobs: dict[str, list[Blob]] = {}
            for blob_root, blob in outbox:
                blobs.setdefault(blob_root, []).append(blob)
            if len(runs) == 1:  # the usual case: the buffer is the batch
                root = runs[0][1]
                self._deliver(root, buffered, blobs.pop(root, None))
                return
            ends = [start for start, _ in runs[1:]] + [len(buffered)]
            for (start, root), end in zip(runs, ends, strict=True):
                self._deliver(root, buffered[start:end], blobs.pop(root, None))

    def _shown_specs(self) -> list[list[Command]]:
        """What every root shows now (the blob store keeps the blobs these name)."""
        with self._lock:
            return [self.page.snapshot(root) for root in list(self.page.roots)]

    def _deliver(self, root: str, batch: list[Command], blobs: list[Blob] | None) -> None:
        if self.replay is not None:  # numbered: the frontend counts the same way
            seq = self.replay.record(root, batch, blobs or ())
            self.transport.deliver_numbered(root, seq, batch, blobs or ())
        elif blobs:
            self.transport.deliver(root, batch, blobs)
        else:
            self.transport.deliver(root, batch)

    def resume(self, transport: Transport, applied: int, root_id: str | None = None) -> bool:
        """A frontend came back on ``transport``, having applied ``applied`` batches.

        From now on the session talks to ``transport``, which first gets what
        :meth:`catch_up` says the frontend missed. Returns False when the
        session is closed (the caller tells the frontend it is gone).
        """
        root = root_id if root_id is not None else self.PAGE_ROOT
        with self._flush_lock:  # no batch may slip between the replay and the switch
            with self._lock:
                if self._closed:
                    return False
                self.transport = transport
                transport.attach(self)
            for entry in self._catch_up(root, applied):
                transport.deliver_numbered(root, entry.seq, entry.batch, entry.blobs)
        return True

    def catch_up(self, applied: int, root_id: str | None = None) -> list[Delivered]:
        """What a frontend that applied ``applied`` batches of ``root_id`` must get now.

        The batches after ``applied`` that the replay log still keeps, in
        order, exactly once (acknowledging ``applied``); when some are gone (or
        ``applied`` makes no sense), one ``resync`` batch instead: the page
        model's snapshot of the root plus the requests still waiting for an
        answer (an open form stays answerable), with the blobs they show.
        A polling transport sends these as its response.
        """
        root = root_id if root_id is not None else self.PAGE_ROOT
        with self._flush_lock:
            return self._catch_up(root, applied)

    def _catch_up(self, root: str, applied: int) -> list[Delivered]:
        with self._lock:
            log = self.replay
            missed = log.missed(root, applied) if log is not None else None
            if missed is not None:
                return missed
            seq = log.restart(root) if log is not None else applied + 1
            batch: list[Command] = [make_command("resync", {"seq": seq})]
            batch += self.page.snapshot(root)
            batch += self.page.open_requests(root)
            if self._closed and root == self.PAGE_ROOT:
                # A page that fell behind a session that already ended learns it here.
                batch.append(make_command("close_session"))
            blobs = self._blob_store.referenced(batch) if self._blob_store is not None else []
        if log is not None:
            log.record(root, batch, blobs)
        return [Delivered(seq, batch, tuple(blobs))]

    # --------------------------------------------------------------- events
    def dispatch(self, message: Any, buffers: Sequence[Any] = ()) -> bool:
        """Handle one event from a frontend (already JSON-decoded).

        ``buffers`` are the binary buffers that came with it (an
        ``upload_chunk`` event's bytes). Returns True when the event went to
        a pending wait (a form, an ``eval_js``): its waiter runs next.

        A malformed event, or one for an unknown task or callback, is logged
        and ignored: it never ends the session.
        """
        try:
            event = parse_event(message)
        except ProtocolError as exc:
            logger.warning("ignored a malformed event from the browser: %s", exc)
            return False
        name = event["event"]
        if name == "callback":
            self._on_callback(event["task_id"], event["data"])
        elif event["event"] == "upload_chunk":  # extension: kept at once, never queued
            index = event["data"].get("buffer", 0)
            chunk = buffers[index] if isinstance(index, int) and 0 <= index < len(buffers) else None
            self.uploads.receive(
                event["task_id"], event["data"], None if chunk is None else memoryview(chunk)
            )
        elif event["event"] == "popup_closed":  # extension: the user closed it in the browser
            with self._lock:
                self.page.popup_closed(event["data"]["dom_id"])
        elif event["event"] == "pin_change":  # extension: the user changed a pin widget
            pin, value = event["data"]["name"], event["data"].get("value")
            with self._lock:
                live = self.page.pins.changed(pin, value)
            observer = self.page.pins.observer
            if live and observer is not None:
                observer.pin_changed(pin, value)
        elif event["event"] == "ack":  # extension: the frontend applied batches up to seq
            if self.replay is not None:
                ack = event["data"]
                with self._flush_lock:
                    self.replay.acknowledge(ack.get("root", self.PAGE_ROOT), ack["seq"])
        elif name in EXTENSION_EVENT_NAMES:
            if not self.transport.on_event(event):
                logger.info("ignored %s event: this transport does not use it", name)
        else:
            mailbox = self._mailboxes.get(event["task_id"] or "")
            if mailbox is None:
                logger.info("ignored %s event for unknown task %r", name, event["task_id"])
            else:
                mailbox.put(event)
                return True
        return False

    # ---------------------------------------------------------------- waits
    def make_mailbox(self) -> Mailbox:
        return Mailbox()

    def open_mailbox(self, task_id: str) -> Mailbox:
        with self._lock:
            if self._closed:
                raise SessionClosedException("the session is closed")
            mailbox = self._mailboxes[task_id] = self.make_mailbox()
        return mailbox

    def close_mailbox(self, task_id: str) -> None:
        self._mailboxes.pop(task_id, None)
        if self._upload_store is not None:
            self._upload_store.forget(task_id)
        with self._lock:
            self.page.request_done(task_id)

    def wait_event(self, task_id: str, mailbox: Mailbox, timeout: float | None = None) -> Event:
        """Block the calling thread until an event for ``task_id`` arrives."""
        self.flush()
        try:
            return mailbox.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no answer for {task_id} within {timeout} s") from None

    def exchange_steps(self, exchange: Exchange) -> Generator[Mailbox, Event, Any]:
        """THE driver of every wait, written once for blocking and awaiting callers.

        It yields the mailbox to wait on and is sent each event that arrives;
        its return value is the exchange's result. :meth:`run_exchange` (and
        the coroutine session's awaiting twin) only decide *how* to wait.
        Closing the generator early (interrupt, session closed) still closes
        the mailbox and finishes the exchange.
        """
        mailbox = self.open_mailbox(exchange.task_id)
        try:
            exchange.start()
            self.transport.before_wait(exchange.root_id)
            while True:
                event = yield mailbox
                if exchange.feed(event):
                    return exchange.result
        finally:
            self.close_mailbox(exchange.task_id)
            exchange.finish()

    def run_exchange(self, exchange: Exchange) -> Any:
        """Run ``exchange``, blocking the calling thread in :meth:`wait_event`."""
        steps = self.exchange_steps(exchange)
        try:
            mailbox = next(steps)
            while True:
                mailbox = steps.send(self.wait_event(exchange.task_id, mailbox))
        except StopIteration as done:
            return done.value
        finally:
            steps.close()

    #: Whether the page can navigate to the server's other apps (``go_app``,
    #: ``put_link(app=...)``); a notebook kernel serves no apps.
    serves_apps = True

    def awaiting(self) -> bool:
        """Whether a wait that starts now returns an awaitable (``await input(...)``)."""
        return False

    def run_form(self, form: Exchange) -> Any:
        """Show a form and wait until it is submitted or cancelled; returns its result."""
        return self.run_exchange(form)

    def request(self, command: Command) -> Any:
        """Send a command that the browser answers with ``js_yield``; return its data."""
        return self.run_exchange(JsRequest(self, command))

    # ------------------------------------------------------------ callbacks
    def register_callback(
        self, func: Callable[..., Any], *, serial_mode: bool = False, mutex_mode: bool = False
    ) -> str:
        """Register ``func`` for click events; returns its unguessable id.

        The callback later runs in a copy of the registering context, with its
        root kept and the scope stack reset to ROOT.
        """
        callback_id = secrets.token_urlsafe(16)
        context = contextvars.copy_context()
        root = self.default_root()

        def prepare() -> None:
            session_var.set(self)
            root_var.set(root)
            scope_stack_var.set((ROOT,))

        context.run(prepare)
        with self._lock:
            self._callbacks[callback_id] = _Callback(func, context, serial_mode, mutex_mode)
        return callback_id

    @property
    def has_callbacks(self) -> bool:
        return bool(self._callbacks)

    def _on_callback(self, callback_id: str | None, data: Any) -> None:
        callback = self._callbacks.get(callback_id or "")
        if callback is None:
            logger.info("ignored click for unknown callback %r", callback_id)
            return
        self.run_callback(callback, data)

    def run_callback(self, callback: _Callback, data: Any) -> None:
        """Run a callback off the caller's thread (thread and kernel sessions).

        Until a ``serial_mode`` callback is first clicked, a click starts at once
        on the pool. From then on every click goes through one
        resident thread in arrival order, as the manual says: a serial callback
        runs there, so any click that comes meanwhile (serial or not) waits for
        it; a non-serial one is handed on to the pool when its turn comes.
        """
        task = functools.partial(callback.context.copy().run, self.invoke_callback, callback, data)
        with self._lock:
            if self._closed:
                return
            pool, serial = self._workers
            if serial is None and callback.serial:
                serial = CallbackWorkers(1, "pywebio-nb-serial")
                self._workers = (pool, serial)
        if serial is None:
            self._submit_to_pool(task)
        elif callback.serial:
            serial.submit(task)
        else:
            serial.submit(functools.partial(self._submit_to_pool, task))

    def _submit_to_pool(self, task: Callable[[], Any]) -> None:
        with self._lock:
            if self._closed:
                return
            pool, serial = self._workers
            if pool is None:
                pool = CallbackWorkers(self.CALLBACK_WORKERS, "pywebio-nb-cb")
                self._workers = (pool, serial)
            pool.submit(task)

    def invoke_callback(self, callback: _Callback, data: Any) -> Any:
        """Call the callback; errors are logged and shown, never lost.

        The result is returned only when awaitable (a coroutine callback):
        anything else, such as the Output of ``lambda: put_text(...)``, must be
        released here, inside the callback's context, so it goes to the right
        root.
        """
        try:
            result = callback.func(data)
            return result if inspect.isawaitable(result) else None
        except SessionClosedException:
            return None
        except Exception:
            self.report_error(traceback.format_exc())
            return None

    def report_error(self, text: str) -> None:
        """Log an error from app code and show it in the page."""
        logger.error("error in PyWebIO app code:\n%s", text)
        try:
            self.send(
                make_command(
                    "output",
                    {
                        "type": "text",
                        "content": text,
                        "scope": scope_selector(ROOT),
                        "position": -1,
                        "style": "color:#dc3545;white-space:pre-wrap;"
                        "font-family:monospace;font-size:0.85em",
                    },
                )
            )
            self.flush()
        except SessionClosedException:
            pass

    # ---------------------------------------------------------------- close
    def defer_call(self, func: Callable[[], Any]) -> None:
        with self._lock:
            self._deferred.append(func)

    def close(self, *, notify_client: bool = True) -> None:
        """Close the session: wake every waiter, run deferred calls, close the transport."""
        with self._lock:
            if self._closed:
                return
            if notify_client:
                self._hold(self.PAGE_ROOT, make_command("close_session"))
        if notify_client:
            try:
                self.flush()
            except Exception:  # the connection may already be gone
                logger.debug("flush on close failed", exc_info=True)
        with self._lock:
            self._closed = True
            mailboxes = list(self._mailboxes.values())
            deferred, self._deferred = self._deferred, []
            # Each callback's context holds this session (session_var): a cycle
            # that would keep a closed session for the cyclic GC. A late click
            # finds no callback and is ignored.
            self._callbacks.clear()
        for mailbox in mailboxes:
            mailbox.close()
        if deferred:
            self.run_deferred(deferred)
        for executor in self._workers:
            if executor is not None:
                executor.shutdown(wait=False)
        from ._context import registry

        registry.unregister_session(self)
        self.transport.close()

    def app_finished(self, on_done: Callable[[Session], None] | None) -> None:
        """The app function returned (or failed): send what it left, tell the server."""
        if not self.closed:
            self.flush()
        if on_done is not None:
            on_done(self)

    def run_deferred(self, funcs: list[Callable[[], Any]]) -> None:
        """Run the ``defer_call`` functions (in order; errors are logged)."""
        for func in funcs:
            try:
                func()
            except Exception:
                logger.exception("error in a function registered with defer_call()")


def _shown_specs_of(ref: weakref.ref[Session]) -> Callable[[], list[list[Command]]]:
    """The blob store's ``live``, holding its session weakly (no session <-> store cycle)."""

    def live() -> list[list[Command]]:
        session = ref()
        return session._shown_specs() if session is not None else []

    return live


class _FinishedThread:
    """What ``ThreadSession.thread`` is once the app returned: joined, not alive."""

    __slots__ = ()

    def join(self, timeout: float | None = None) -> None:
        return None

    def is_alive(self) -> bool:
        return False


FINISHED_THREAD = _FinishedThread()


class ThreadSession(Session):
    """A ``def`` app: runs in its own thread; callbacks on a bounded pool."""

    HOLD_SECONDS = 0.005
    #: Seconds the app thread sleeps after a flush forced by ``HOLD_SECONDS``, so
    #: the event loop's thread, which writes the batch, gets the GIL at once
    #: (without a real pause it waits up to two switch intervals, 3-10 ms
    #: measured; first text of a 20,000 put_text loop: 20 -> 12 ms median).
    YIELD_AFTER_HOLD = 0.0001

    def __init__(
        self,
        app: Callable[[], Any],
        transport: Transport,
        *,
        info: Any = None,
        on_done: Callable[[Session], None] | None = None,
    ) -> None:
        super().__init__(transport, info=info)
        self._app = app
        self._on_done = on_done
        #: The app's thread; :data:`FINISHED_THREAD` once the app returned.
        self.thread: threading.Thread | _FinishedThread = threading.Thread(
            target=self._run, name="pywebio-nb-app", daemon=True
        )
        #: Runs the ``defer_call`` functions once the session closed.
        self.deferred_thread: threading.Thread | None = None
        #: Threads given to ``register_thread``: the session lasts until they end.
        self.registered_threads: list[threading.Thread] = []
        #: Until when the thread whose output the hold rule last flushed counts
        #: as in a burst of output, and that thread (see ``_buffered``).
        self._burst_until = 0.0
        self._burst_thread = 0

    def _buffered(self, first: bool, held: int) -> None:
        if (
            first
            and self._burst_until
            and time.perf_counter() < self._burst_until
            and threading.get_ident() == self._burst_thread
        ):
            # The thread flushed a held batch moments ago and outputs on: it
            # flushes the next one itself. An immediate flush request would let
            # the event loop's thread take the GIL and send this batch while it
            # holds one command (a 20,000 put_text loop sent up to 250 frames of
            # one text each; a quarter of its throughput). The transport flushes only
            # what the thread leaves held past HOLD_SECONDS (it went quiet).
            self._held_since = time.perf_counter()
            self.transport.request_flush_later(self.HOLD_SECONDS)
            return
        super()._buffered(first, held)

    def _hold_expired(self) -> None:
        self.flush()
        # Only this thread's next batch waits: a click's callback, on another
        # thread, is sent at once even while the app thread outputs in a loop.
        self._burst_until = time.perf_counter() + self.HOLD_SECONDS
        self._burst_thread = threading.get_ident()
        time.sleep(self.YIELD_AFTER_HOLD)

    def start(self) -> None:
        context = contextvars.Context()
        context.run(session_var.set, self)
        self.thread = threading.Thread(
            target=context.run, args=(self._run,), name="pywebio-nb-app", daemon=True
        )
        self.thread.start()

    def run_deferred(self, funcs: list[Callable[[], Any]]) -> None:
        """Off the caller's thread: a server closes sessions on its event loop."""
        self.deferred_thread = threading.Thread(
            target=super().run_deferred, args=(funcs,), name="pywebio-nb-deferred", daemon=True
        )
        self.deferred_thread.start()

    def _run(self) -> None:
        try:
            self._app()
        except SessionClosedException:
            pass
        except Exception:
            self.report_error(traceback.format_exc())
        finally:
            # As PyWebIO: the app's registered threads still work for its page (the
            # manual's clock), so the session ends when they have ended too.
            for thread in list(self.registered_threads):
                if thread is not threading.current_thread() and thread.ident is not None:
                    thread.join()
            self.app_finished(self._on_done)
            # The finished thread's object would stay with the session (~1.9 KB:
            # its events, locks, name); a stand-in answers join() and is_alive().
            self.thread = FINISHED_THREAD
