"""Persistent input: input widgets pinned to the page (``pywebio.pin`` of the PyWebIO manual).

The ``put_*`` functions here output input widgets like any other output (into a
scope, at a position, inside ``put_row`` ...), but nothing blocks: the widgets
stay and keep their values. Read a value with the :data:`pin` object
(``pin.name`` or ``pin['name']``), set one by assigning to it, wait for the
user to change one with :func:`pin_wait_change`, react to changes with
:func:`pin_on_change`, change a widget with :func:`pin_update`::

    put_input('a', type='number', value=0)
    put_input('b', type='number', value=0)
    while True:
        changed = pin_wait_change('a', 'b')
        with use_scope('res', clear=True):
            put_code(changed)
            put_text("a + b = %s" % (pin.a + pin.b))

Outputting a widget whose name is already shown replaces the older one (it
expires, and says so in its place). The session keeps each widget's value
(the browser reports every change), so reading ``pin.name`` needs no round
trip to the browser when the value is known; in a notebook, values are
readable from any later cell. A ``pin_wait_change`` loop in a notebook cell
is stopped by the kernel's interrupt (KeyboardInterrupt), as ``input()`` is.

In a coroutine-based session (an ``async def`` app) reads and waits are
awaited: ``await pin.name``, ``await pin_wait_change('a')``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, cast

from ._options import normalize_action_buttons
from ._pin_board import (
    NO_MATCH,
    Decoder,
    PinBoard,
    PinWait,
    index_options,
    take_queued_events,
    wait_key,
)
from .input import _code_module
from .output._core import Output, _output
from .protocol import TEXT_INPUT_TYPES, InputItemSpec, PinOutputSpec, make_command
from .session._base import Session
from .session._context import get_current_session
from .session._coroutine import CoroutineSession

__all__ = [
    "pin",
    "pin_on_change",
    "pin_update",
    "pin_wait_change",
    "put_actions",
    "put_checkbox",
    "put_input",
    "put_radio",
    "put_select",
    "put_slider",
    "put_textarea",
]

_NAME = re.compile(r"[A-Za-z0-9_-]+")

#: Fields of a widget that ``pin_update`` cannot change (as in PyWebIO).
_FIXED = frozenset(
    {
        "action",
        "buttons",
        "code",
        "inline",
        "max_size",
        "max_total_size",
        "multiple",
        "name",
        "onchange",
        "type",
        "validate",
    }
)


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(
            f"a pin name may only contain letters, digits, '_' and '-', got {name!r} "
            "(it names the widget in the page and is the attribute of `pin` that reads it)"
        )
    return name


def _put(item: dict[str, Any], decoder: Decoder, scope: str | int | None, position: int) -> Output:
    """Register the widget's decoder and build its ``pin`` output."""
    session = get_current_session()
    board = PinBoard.of(session)
    board.add(item, decoder)
    board.mark_seen(wait_key(session))
    old_root = session.page.pins.roots.get(item["name"])
    if old_root is not None:
        # The older widget expires where it is shown: in a notebook that may be
        # another cell's root, whose renderer never sees the new one.
        expire: dict[str, Any] = {"expired": True}
        session.send(
            make_command("pin_update", {"name": item["name"], "attributes": expire}), old_root
        )
    spec: PinOutputSpec = {"type": "pin", "input": cast(InputItemSpec, item)}
    return _output(spec, scope, position)


def _item(kind: str, name: str, label: str, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"type": kind, "name": _check_name(name), "label": label}
    item.update({key: value for key, value in fields.items() if value is not None})
    return item


def put_input(
    name: str,
    type: str = "text",
    *,
    label: str = "",
    value: Any = None,
    placeholder: str | None = None,
    readonly: bool | None = None,
    datalist: list[str] | None = None,
    help_text: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a text input widget called ``name``. Refer to :func:`pywebio_nb.input.input`.

    ``type`` is one of the input types (``'text'``, ``'number'`` -> int,
    ``'float'`` -> float, ``'password'``, ``'url'``, ``'date'``, ``'time'``,
    ``'color'``, ``'datetime-local'``); ``scope``/``position`` place it as any
    output. An empty number field reads as None.
    """
    if type not in TEXT_INPUT_TYPES:
        raise ValueError(
            f"put_input() type must be one of {', '.join(TEXT_INPUT_TYPES)}, got {type!r}"
        )
    item = _item(
        type,
        name,
        label,
        value=None if value is None else str(value),
        placeholder=placeholder,
        readonly=readonly,
        datalist=datalist,
        help_text=help_text,
    )
    return _put(item, Decoder(type), scope, position)


def put_textarea(
    name: str,
    *,
    label: str = "",
    rows: int = 6,
    code: bool | dict[str, Any] | None = None,
    maxlength: int | None = None,
    minlength: int | None = None,
    value: str | None = None,
    placeholder: str | None = None,
    readonly: bool | None = None,
    help_text: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a multi-line text widget. Refer to :func:`pywebio_nb.input.textarea`.

    ``code=True`` (or a dict of editor options such as ``{'mode': 'markdown'}``)
    makes it a code editor.
    """
    item = _item(
        "textarea",
        name,
        label,
        rows=rows,
        code=code,
        # a notebook widget gets the editor's module with it, as a textarea() form does
        code_module=_code_module(get_current_session()) if code else None,
        maxlength=maxlength,
        minlength=minlength,
        value=value,
        placeholder=placeholder,
        readonly=readonly,
        help_text=help_text,
    )
    return _put(item, Decoder("textarea"), scope, position)


def put_select(
    name: str,
    options: Sequence[Any] | None = None,
    *,
    label: str = "",
    multiple: bool | None = None,
    value: Any = None,
    native: bool | None = None,
    help_text: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a drop-down selection. Refer to :func:`pywebio_nb.input.select`.

    Options are dicts, ``(label, value, [selected], [disabled])`` tuples or
    plain values; their values may be any Python objects (they stay in Python)
    and reading the widget gives back the same objects: one value, or a list
    when ``multiple``. ``native`` is accepted for PyWebIO 1.8 compatibility
    (the browser's own select is always used).
    """
    del native
    wire, real = index_options(options, value)
    item = _item("select", name, label, options=wire, multiple=multiple, help_text=help_text)
    return _put(item, Decoder("select", real, multiple=bool(multiple)), scope, position)


def put_checkbox(
    name: str,
    options: Sequence[Any] | None = None,
    *,
    label: str = "",
    inline: bool | None = None,
    value: list[Any] | None = None,
    help_text: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a group of check boxes; reads as the list of checked values.

    Refer to :func:`pywebio_nb.input.checkbox`.
    """
    wire, real = index_options(options, value)
    item = _item("checkbox", name, label, options=wire, inline=inline, help_text=help_text)
    return _put(item, Decoder("checkbox", real, multiple=True), scope, position)


def put_radio(
    name: str,
    options: Sequence[Any] | None = None,
    *,
    label: str = "",
    inline: bool | None = None,
    value: Any = None,
    help_text: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a group of radio buttons; reads as the chosen value, or None.

    Refer to :func:`pywebio_nb.input.radio`.
    """
    wire, real = index_options(options, value)
    item = _item("radio", name, label, options=wire, inline=inline, help_text=help_text)
    return _put(item, Decoder("radio", real), scope, position)


def put_slider(
    name: str,
    *,
    label: str = "",
    value: float = 0,
    min_value: float = 0,
    max_value: float = 100,
    step: float = 1,
    required: bool | None = None,
    help_text: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a slider. Refer to :func:`pywebio_nb.input.slider`.

    It reads as a float when the value, a bound or the step is a float, else as an int.
    """
    is_float = any(isinstance(v, float) for v in (value, min_value, max_value, step))
    item = _item(
        "slider",
        name,
        label,
        value=value,
        min_value=min_value,
        max_value=max_value,
        step=step,
        float=is_float,
        required=required,
        help_text=help_text,
    )
    return _put(item, Decoder("slider", float=is_float), scope, position)


def put_actions(
    name: str,
    *,
    label: str = "",
    buttons: Sequence[Any] | None = None,
    help_text: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a group of buttons; the value is the value of the last one clicked (None before).

    Refer to :func:`pywebio_nb.input.actions`. Unlike ``actions()``, nothing is
    submitted: a click only sets the widget's value, so only ``'submit'`` type
    buttons are allowed.
    """
    specs = normalize_action_buttons(buttons)
    real: list[Any] = []
    for index, button in enumerate(specs):
        if button.get("type", "submit") != "submit":
            raise ValueError(
                f"put_actions() only takes 'submit' type buttons (a click sets the widget's "
                f"value); button {button['label']!r} has type {button.get('type')!r}"
            )
        real.append(button.get("value", button["label"]))
        button["value"] = index
    item = _item("actions", name, label, buttons=specs, help_text=help_text)
    return _put(item, Decoder("actions", real), scope, position)


# --------------------------------------------------------------------- reading
def _read(session: Session, name: str, strict: bool, awaiting: bool | None = None) -> Any:
    """The value of ``name``: from the session when known, else asked of the browser.

    An awaitable when ``awaiting`` (by default: when the session says the caller awaits).
    """
    board = PinBoard.of(session)
    table = session.page.pins
    coroutine = session.awaiting() if awaiting is None else awaiting
    take_queued_events(session)
    if not table.live(name):
        if strict:
            raise AssertionError(f"pin widget {name!r} doesn't exist (strict mode)")
        return _ready(None) if coroutine else None
    if name in table.values:
        value = board.decode(name, table.values.get(name))
        return _ready(value) if coroutine else value

    def answer(wire: Any) -> Any:
        if wire is not None:
            table.changed(name, wire)
        return board.decode(name, wire)

    waited = session.run_exchange(board.request_value(name))
    if coroutine:
        return _then(waited, answer)
    return answer(waited)


async def _ready(value: Any) -> Any:
    return value


async def _then(awaitable: Any, func: Callable[[Any], Any]) -> Any:
    return func(await awaitable)


class Pin_:  # PyWebIO's name for the class of `pin`
    """Pin widgets' value getter and setter: the class of :data:`pin`."""

    _strict = False

    def use_strict(self) -> None:
        """Reading a widget that is not in the page raises AssertionError (instead of None)."""
        object.__setattr__(self, "_strict", True)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"Pin object has no attribute {name!r}")
        return self[name]

    def __getitem__(self, name: str) -> Any:
        return _read(get_current_session(), _check_name(name), self._strict)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "use_strict":
            raise AttributeError("'use_strict' is a method of pin, not a widget name")
        self[name] = value

    def __setitem__(self, name: str, value: Any) -> None:
        pin_update(name, value=value)


#: Read a widget's value with ``pin.name`` or ``pin['name']`` (None when no
#: widget of that name is shown, see :meth:`Pin_.use_strict`); set it with
#: ``pin.name = value``. In a coroutine-based session: ``await pin.name``.
pin = Pin_()


def pin_wait_change(*names: str | Sequence[str], timeout: float | None = None) -> Any:
    """Wait until the user changes one of the widgets ``names``.

    Returns ``{"name": name, "value": value}`` of the changed widget, or None
    when ``timeout`` (seconds, if positive) passes first. ``names`` may also be
    one list. A value set from Python (``pin.x = ...``, :func:`pin_update`)
    does not count as a change. A loop of waits sees every change: one made
    while the loop's body ran (or since the calling code output the widget)
    makes the next wait return at once, with the newest value. In a
    coroutine-based session: ``await pin_wait_change(...)``.
    """
    flat: list[str] = []
    for entry in names:
        flat.extend([entry] if isinstance(entry, str) else list(entry))
    if not flat:
        raise ValueError("pin_wait_change() needs at least one pin name")
    for name in flat:
        _check_name(name)
    session = get_current_session()
    board = PinBoard.of(session)
    return session.run_exchange(PinWait(board, flat, timeout, wait_key(session)))


def pin_update(name: str, **spec: Any) -> None:
    """Change attributes of the widget ``name``: ``value``, ``label``, ``help_text``,
    ``placeholder``, ``readonly``, ``disabled``, ``options`` (select/checkbox/radio, any
    format the ``put_*`` call takes), ...

    ``type``, ``name``, ``code``, ``multiple`` (and ``inline``, ``buttons``, ...)
    cannot change: output a new widget of the same name instead. Setting
    ``value`` does not wake :func:`pin_wait_change`.
    """
    _check_name(name)
    fixed = sorted(_FIXED & spec.keys())
    if fixed:
        raise ValueError(
            f"pin_update() cannot change {', '.join(map(repr, fixed))} of a pin widget; "
            f"output a new widget called {name!r} instead (it replaces the old one)"
        )
    session = get_current_session()
    decoder = PinBoard.of(session).decoder(name)
    attributes = {key: value for key, value in spec.items() if value is not None}
    if "value" in spec:
        attributes["value"] = spec["value"]
    if "options" in attributes:
        wire, real = index_options(attributes["options"], spec.get("value"))
        attributes["options"] = wire
        if decoder is not None:
            decoder.options = real
    unknown_value = False
    if "value" in attributes and decoder is not None:
        encoded = decoder.encode(attributes["value"])
        unknown_value = encoded is NO_MATCH
        attributes["value"] = None if unknown_value else encoded
    root = session.page.pins.roots.get(name)
    session.send(make_command("pin_update", {"name": name, "attributes": attributes}), root)
    if unknown_value:  # the browser decides what it shows: ask it next time
        session.page.pins.values.pop(name, None)


def pin_on_change(
    name: str,
    onchange: Callable[[Any], Any] | None = None,
    clear: bool = False,
    init_run: bool = False,
    **callback_options: Any,
) -> None:
    """Call ``onchange(value)`` whenever the user changes the widget ``name``.

    Several callbacks of one widget run in the order they were bound;
    ``clear=True`` first drops the ones bound before (``pin_on_change(name,
    clear=True)`` only drops them). ``init_run=True`` also calls ``onchange``
    once now with the current value. ``callback_options`` are those of
    ``put_buttons``: ``serial_mode`` (thread-based sessions), ``mutex_mode``
    (coroutine callbacks).
    """
    _check_name(name)
    if onchange is None and not clear:
        raise ValueError(
            "pin_on_change() needs a callback (onchange=...), or clear=True to drop the ones bound"
        )
    session = get_current_session()
    board = PinBoard.of(session)
    callback_id = None
    if onchange is not None:
        func = onchange

        def on_change(wire: Any) -> Any:
            return func(board.decode(name, wire))

        callback_id = session.register_callback(
            on_change,
            serial_mode=bool(callback_options.get("serial_mode")),
            mutex_mode=bool(callback_options.get("mutex_mode")),
        )
    board.set_callback(name, callback_id, clear=clear)
    if onchange is not None and init_run:
        value = _read(session, name, strict=False, awaiting=isinstance(session, CoroutineSession))
        if isinstance(session, CoroutineSession):
            session.loop.create_task(_init_run(value, onchange))
        else:
            onchange(value)


async def _init_run(value: Any, onchange: Callable[[Any], Any]) -> None:
    result = onchange(await value)
    if hasattr(result, "__await__"):
        await result
