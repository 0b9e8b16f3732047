"""The pin machinery behind :mod:`pywebio_nb.pin`: one :class:`PinBoard` per session.

The browser reports every change of a pin widget (``pin_change``, an
extension event); the session core records the new *wire* value in the page
model (:class:`~pywebio_nb.session._page_model.PinTable`) and hands it to the
board, the table's observer. The board then

* wakes the ``pin_wait_change`` calls waiting for that name (each wait is an
  :class:`~pywebio_nb.session._base.Exchange`, so it blocks a thread, is
  awaited in a coroutine session, or pumps kernel messages in a notebook cell
  exactly as ``input()`` does, and a kernel interrupt ends it cleanly);
* fires the ``pin_on_change`` callbacks of the name, through the session's
  callback registry (so ``serial_mode``/``mutex_mode`` apply).

Wire values are what the renderer's views read: strings for text fields,
numbers for sliders, and option *indices* for select/checkbox/radio/actions,
so option values may be any Python object and come back as that very object.
:class:`Decoder` turns a wire value into the Python value and back.

A ``pin_wait_change`` loop does not lose changes made while its body ran: the
board remembers, per thread or task, up to which change it has looked (when it
last output a pin widget or returned from a wait), and its next wait returns at
once with the newest change among its names made since (PyWebIO's frontend
drops them; a markdown previewer would then lag behind the last keystrokes,
and a change made just after a widget appeared could be missed).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._options import normalize_options
from .protocol import Event, OptionSpec, make_command
from .session._base import JsRequest, Session

__all__ = ["Decoder", "PinBoard", "PinWait", "index_options", "take_queued_events", "wait_key"]

#: Marks a Python value that matches no option (the browser would show none).
NO_MATCH: Any = object()


def index_options(options: Sequence[Any] | None, value: Any) -> tuple[list[OptionSpec], list[Any]]:
    """Options for the wire (each value replaced by its index) and the real values."""
    specs = normalize_options(options, value)
    real: list[Any] = []
    for index, spec in enumerate(specs):
        real.append(spec.get("value", spec.get("label")))
        spec["value"] = index
    return specs, real


def _to_int(raw: Any) -> int | None:
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _to_float(raw: Any) -> float | None:
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


@dataclass
class Decoder:
    """How the wire value of one pin widget maps to its Python value.

    ``kind`` is the form item type; ``options`` the real values of the options
    (choice widgets) or buttons (actions) in wire order; ``multiple`` whether
    the value is a list of them; ``float`` whether a slider gives floats.
    """

    kind: str
    options: list[Any] = field(default_factory=list)
    multiple: bool = False
    float: bool = False

    @property
    def indexed(self) -> bool:
        return self.kind in ("select", "checkbox", "radio", "actions")

    def decode(self, wire: Any) -> Any:
        if self.indexed:
            if self.multiple:
                return [self._option(i) for i in wire] if isinstance(wire, list) else []
            return None if wire is None else self._option(wire)
        if self.kind == "number":
            return None if wire in (None, "") else _to_int(wire)
        if self.kind == "float":
            return None if wire in (None, "") else _to_float(wire)
        if self.kind == "slider":
            number = _to_float(wire)
            if number is None:
                return None
            return number if self.float else round(number)
        return "" if wire is None else wire

    def _option(self, index: Any) -> Any:
        if (
            isinstance(index, int)
            and not isinstance(index, bool)
            and 0 <= index < len(self.options)
        ):
            return self.options[index]
        return None

    def encode(self, value: Any) -> Any:
        """The wire value that shows ``value`` (NO_MATCH when no option equals it)."""
        if self.indexed:
            if self.multiple:
                wanted = value if isinstance(value, (list, tuple)) else [value]
                return [i for i, real in enumerate(self.options) if any(real == w for w in wanted)]
            if value is None:
                return None
            for index, real in enumerate(self.options):
                if real == value:
                    return index
            return NO_MATCH
        if self.kind == "slider":
            return value
        return "" if value is None else str(value)


class PinBoard:
    """Decoders, waits and change callbacks of one session's pin widgets."""

    _create_lock = threading.Lock()

    def __init__(self, session: Session) -> None:
        self.session = session
        self._lock = threading.Lock()
        # name -> [(form item, decoder)], newest last: the live item picks its decoder
        self._decoders: dict[str, list[tuple[dict[str, Any], Decoder]]] = {}
        self._waiters: dict[str, tuple[frozenset[str], Hashable]] = {}
        self._changes = 0
        self._last_change: dict[str, int] = {}
        self._seen: dict[Hashable, int] = {}
        self._callbacks: dict[str, list[str]] = {}

    @classmethod
    def of(cls, session: Session) -> PinBoard:
        """The board of ``session`` (made, and plugged into its page model, on first use)."""
        table = session.page.pins
        board = table.observer
        if isinstance(board, PinBoard):
            return board
        with cls._create_lock:
            board = table.observer
            if not isinstance(board, PinBoard):
                board = cls(session)
                table.observer = board
                table.active = True
        return board

    # ------------------------------------------------------------- decoders
    def add(self, item: dict[str, Any], decoder: Decoder) -> None:
        """Remember the decoder of a pin widget's form item (before it is sent)."""
        with self._lock:
            entries = self._decoders.setdefault(item["name"], [])
            entries.append((item, decoder))
            del entries[:-8]  # widgets made but never shown must not pile up

    def decoder(self, name: str) -> Decoder | None:
        """The decoder of the live widget ``name`` (None when none is shown)."""
        item = self.session.page.pins.items.get(name)
        with self._lock:
            for known, decoder in reversed(self._decoders.get(name, [])):
                if known is item:
                    found: Decoder = decoder
                    return found
        return None

    def decode(self, name: str, wire: Any) -> Any:
        decoder = self.decoder(name)
        return wire if decoder is None else decoder.decode(wire)

    # -------------------------------------------------------------- changes
    def pin_changed(self, name: str, value: Any) -> None:
        """The browser changed ``name`` (called by the session core, outside its lock)."""
        with self._lock:
            self._changes += 1
            self._last_change[name] = self._changes
            ready = [task for task, (names, _) in self._waiters.items() if name in names]
            for task in ready:
                self._seen[self._waiters.pop(task)[1]] = self._changes
            callbacks = list(self._callbacks.get(name, ()))
        for task in ready:
            self.session.dispatch(
                {"event": "js_yield", "task_id": task, "data": {"name": name, "value": value}}
            )
        for callback_id in callbacks:
            self.session.dispatch({"event": "callback", "task_id": callback_id, "data": value})

    def mark_seen(self, key: Hashable) -> None:
        """``key`` outputs a pin widget: its next wait answers changes made from now on."""
        with self._lock:
            self._seen[key] = self._changes

    def add_waiter(self, task_id: str, names: frozenset[str], key: Hashable) -> None:
        """Wait for a change of ``names``; a change ``key`` has not seen answers at once."""
        missed: str | None = None
        with self._lock:
            seen = self._seen.get(key)
            if seen is not None:
                unseen = [(self._last_change.get(n, 0), n) for n in names]
                newest, name = max(unseen)
                if newest > seen:
                    missed = name
                    self._seen[key] = self._changes
            if missed is None:
                self._waiters[task_id] = (names, key)
        if missed is not None:
            value = self.session.page.pins.values.get(missed)
            self.session.dispatch(
                {"event": "js_yield", "task_id": task_id, "data": {"name": missed, "value": value}}
            )

    def remove_waiter(self, task_id: str) -> None:
        with self._lock:
            self._waiters.pop(task_id, None)

    def set_callback(self, name: str, callback_id: str | None, *, clear: bool) -> None:
        with self._lock:
            callbacks = self._callbacks.setdefault(name, [])
            if clear:
                callbacks.clear()
            if callback_id is not None:
                callbacks.append(callback_id)

    # ---------------------------------------------------------------- reads
    def request_value(self, name: str) -> JsRequest:
        """A ``pin_value`` round trip to the root that shows ``name``."""
        request = JsRequest(self.session, make_command("pin_value", {"name": name}))
        root = self.session.page.pins.roots.get(name)
        if root is not None:
            request.root_id = root
        return request


def take_queued_events(session: Session) -> None:
    """In a running notebook cell, handle the browser's messages queued meanwhile.

    The kernel's main thread reads widget messages only between cells or while
    it waits in our API: a change typed while a cell computes would otherwise
    reach the kept values only after the cell. The notebook session's event
    pump (duck-typed: this layer does not import the notebook runtime) handles
    what is already queued, without waiting; elsewhere events arrive on their
    own and nothing is needed.
    """
    pump = getattr(session, "pump", None)
    if pump is not None and threading.current_thread() is threading.main_thread():
        pump.wait(lambda: True)


def wait_key(session: Session) -> Hashable:
    """Who is waiting: the calling thread, or in a coroutine session its task.

    (A notebook's cells all run on the kernel's main thread: a loop in one cell
    sees the changes made since an earlier cell output the widgets.)
    """
    task = None
    if getattr(session, "loop", None) is not None:
        with contextlib.suppress(RuntimeError):
            task = asyncio.current_task()
    return (threading.get_ident(), id(task) if task is not None else None)


class PinWait:
    """One ``pin_wait_change`` call as an Exchange: answered by the board, or a timeout."""

    def __init__(
        self, board: PinBoard, names: Sequence[str], timeout: float | None, key: Hashable
    ) -> None:
        self.board = board
        self.session = board.session
        self.names = frozenset(names)
        self.timeout = timeout
        self.key = key
        self.task_id = self.session.new_task_id("pin")
        roots = [board.session.page.pins.roots.get(n) for n in names]
        self.root_id = next((r for r in roots if r is not None), None) or (
            self.session.default_root()
        )
        self.result: Any = None
        self._cancel: Callable[[], Any] | None = None

    def start(self) -> None:
        self.board.add_waiter(self.task_id, self.names, self.key)
        if self.timeout is not None and self.timeout > 0:
            timeout_event = {"event": "js_yield", "task_id": self.task_id, "data": None}
            loop: asyncio.AbstractEventLoop | None = getattr(self.session, "loop", None)
            if loop is not None:
                handle = loop.call_later(self.timeout, self.session.dispatch, timeout_event)
                self._cancel = handle.cancel
            else:
                timer = threading.Timer(self.timeout, self.session.dispatch, (timeout_event,))
                timer.daemon = True
                timer.start()
                self._cancel = timer.cancel

    def feed(self, event: Event) -> bool:
        if event["event"] != "js_yield":
            return False
        data = event["data"]
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            name = data["name"]
            self.result = {"name": name, "value": self.board.decode(name, data.get("value"))}
        else:
            self.result = None
        return True

    def finish(self) -> None:
        self.board.remove_waiter(self.task_id)
        if self._cancel is not None:
            self._cancel()
