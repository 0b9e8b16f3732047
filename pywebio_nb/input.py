"""Get input from the browser (``pywebio.input`` of the PyWebIO manual).

Each input function shows a form and blocks until the user submits it, then
returns the value; in a notebook the form appears in the calling cell. In a
coroutine-based session (an ``async def`` app) the same functions must be
awaited: ``name = await input("Your name")``.

Called with ``name=``, an input function does not show anything: it returns an
item for :func:`input_group`, which asks for several values in one form::

    info = input_group("User info", [
        input("Your name", name="name"),
        input("Your age", name="age", type=NUMBER),
    ])

An item may be kept in a variable and passed later
(``item = input("x", name="a"); input_group("g", [item])``); an item that is
dropped without ever reaching ``input_group`` logs an error naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from ._form import FormRequest, InputItem, InvalidValue, current_form
from ._options import normalize_action_buttons, normalize_options
from .protocol import (
    TEXT_INPUT_TYPES,
    ActionsInputSpec,
    CheckboxInputSpec,
    RadioInputSpec,
    SelectInputSpec,
    SliderInputSpec,
    TextareaInputSpec,
    TextInputSpec,
)
from .session._context import get_current_session

__all__ = [
    "CHECKBOX",
    "COLOR",
    "DATE",
    "DATETIME_LOCAL",
    "FLOAT",
    "NUMBER",
    "PASSWORD",
    "RADIO",
    "SELECT",
    "TEXT",
    "TEXTAREA",
    "TIME",
    "URL",
    "actions",
    "checkbox",
    "input",
    "input_group",
    "input_update",
    "radio",
    "select",
    "slider",
    "textarea",
]

TEXT = "text"
NUMBER = "number"
FLOAT = "float"
PASSWORD = "password"
URL = "url"
DATE = "date"
TIME = "time"
COLOR = "color"
DATETIME_LOCAL = "datetime-local"
CHECKBOX = "checkbox"
RADIO = "radio"
SELECT = "select"
TEXTAREA = "textarea"

_Spec = TypeVar("_Spec", bound=Mapping[str, object])


def _to_int(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        try:
            as_float = float(raw)
        except (TypeError, ValueError):
            raise InvalidValue("Please enter an integer.") from None
        if as_float.is_integer():
            return int(as_float)
        raise InvalidValue("Please enter an integer.") from None


def _to_float(raw: Any) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise InvalidValue("Please enter a number.") from None


def _to_str(raw: Any) -> str:
    return "" if raw is None else str(raw)


def _finish(item: InputItem) -> Any:
    """Run a single item as its own form, or return the named item for input_group."""
    if item.spec.get("name") is not None:
        return item
    item.spec["name"] = "data"
    session = get_current_session()
    return session.run_form(FormRequest(session, [item], single=True))


def _extend(spec: _Spec, name: str | None, **fields: Any) -> _Spec:
    """Add ``name`` and the optional fields that were given (not None) to ``spec``.

    ``fields`` also carries the caller's ``other_html_attrs``, which the
    protocol lets through to the renderer untyped.
    """
    target = cast(dict[str, Any], spec)
    if name is not None:
        target["name"] = name
    target.update({k: v for k, v in fields.items() if v is not None})
    return spec


def input(
    label: str = "",
    type: str = TEXT,
    *,
    validate: Callable[[Any], str | None] | None = None,
    name: str | None = None,
    value: Any = None,
    action: tuple[str, Callable[..., Any]] | None = None,
    onchange: Callable[[Any], Any] | None = None,
    placeholder: str | None = None,
    required: bool | None = None,
    readonly: bool | None = None,
    datalist: list[str] | None = None,
    help_text: str | None = None,
    **other_html_attrs: Any,
) -> Any:
    """Text input; returns what the user typed.

    ``type`` is one of TEXT, NUMBER (returns an int), FLOAT (returns a float),
    PASSWORD, URL, DATE, TIME, COLOR, DATETIME_LOCAL. ``validate(value)``
    returns None when the value is valid, else an error message shown under
    the field. ``required=True`` refuses an empty value. ``name`` is only for
    items of :func:`input_group`. ``action=(label, callback)`` puts a button
    beside the field; ``callback(set_value)`` may call ``set_value(value)``.
    """
    if type not in TEXT_INPUT_TYPES:
        raise ValueError(f"input() type must be one of {', '.join(TEXT_INPUT_TYPES)}, got {type!r}")
    convert: Callable[[Any], Any] = {NUMBER: _to_int, FLOAT: _to_float}.get(type, _to_str)
    spec = _extend(
        cast(TextInputSpec, {"type": type, "label": label}),
        name,
        value=value,
        placeholder=placeholder,
        required=required,
        readonly=readonly,
        datalist=datalist,
        help_text=help_text,
        **other_html_attrs,
    )
    if value is not None and type in (NUMBER, FLOAT):
        spec["value"] = str(value)
    item = InputItem(spec, validate, convert, onchange, bool(required))
    if action is not None:
        _attach_action(item, spec, action)
    return _finish(item)


def _attach_action(
    item: InputItem, spec: TextInputSpec, action: tuple[str, Callable[..., Any]]
) -> None:
    label, callback = action
    session = get_current_session()
    values: dict[str, Any] = {}

    def on_click(_: Any) -> None:
        form = item.form

        def set_value(value: Any, label: str | None = None) -> None:
            if form is None:
                return
            if label is None:
                form.update(item.name, value=value)
            else:
                values["value"] = value
                form.update(item.name, value=label, readonly=True)
            form.session.flush()

        callback(set_value)

    original_convert = item.convert

    def convert(raw: Any) -> Any:
        if "value" in values:
            return values["value"]
        return original_convert(raw) if original_convert is not None else raw

    item.convert = convert
    spec["action"] = {"label": label, "callback_id": session.register_callback(on_click)}


def textarea(
    label: str = "",
    *,
    rows: int = 6,
    code: dict[str, Any] | bool | None = None,
    maxlength: int | None = None,
    minlength: int | None = None,
    validate: Callable[[Any], str | None] | None = None,
    name: str | None = None,
    value: str | None = None,
    onchange: Callable[[Any], Any] | None = None,
    placeholder: str | None = None,
    required: bool | None = None,
    readonly: bool | None = None,
    help_text: str | None = None,
    **other_html_attrs: Any,
) -> Any:
    """Multi-line text input; returns the text."""
    spec: TextareaInputSpec = {"type": "textarea", "label": label, "rows": rows}
    _extend(
        spec,
        name,
        code=code,
        maxlength=maxlength,
        minlength=minlength,
        value=value,
        placeholder=placeholder,
        required=required,
        readonly=readonly,
        help_text=help_text,
        **other_html_attrs,
    )
    return _finish(InputItem(spec, validate, _to_str, onchange, bool(required)))


def select(
    label: str = "",
    options: Sequence[Any] | None = None,
    *,
    multiple: bool | None = None,
    validate: Callable[[Any], str | None] | None = None,
    name: str | None = None,
    value: Any = None,
    onchange: Callable[[Any], Any] | None = None,
    required: bool | None = None,
    help_text: str | None = None,
    **other_html_attrs: Any,
) -> Any:
    """Drop-down selection; returns the selected value (a list when ``multiple``)."""
    spec: SelectInputSpec = {
        "type": "select",
        "label": label,
        "options": normalize_options(options, value),
    }
    _extend(
        spec,
        name,
        multiple=multiple,
        required=required,
        help_text=help_text,
        **other_html_attrs,
    )
    return _finish(InputItem(spec, validate, None, onchange, bool(required)))


def checkbox(
    label: str = "",
    options: Sequence[Any] | None = None,
    *,
    inline: bool | None = None,
    validate: Callable[[Any], str | None] | None = None,
    name: str | None = None,
    value: list[Any] | None = None,
    onchange: Callable[[Any], Any] | None = None,
    help_text: str | None = None,
    **other_html_attrs: Any,
) -> Any:
    """A group of check boxes; returns the list of checked values."""
    spec: CheckboxInputSpec = {
        "type": "checkbox",
        "label": label,
        "options": normalize_options(options, value),
    }
    _extend(
        spec,
        name,
        inline=inline,
        help_text=help_text,
        **other_html_attrs,
    )

    def convert(raw: Any) -> list[Any]:
        return list(raw) if isinstance(raw, list) else []

    return _finish(InputItem(spec, validate, convert, onchange))


def radio(
    label: str = "",
    options: Sequence[Any] | None = None,
    *,
    inline: bool | None = None,
    validate: Callable[[Any], str | None] | None = None,
    name: str | None = None,
    value: Any = None,
    onchange: Callable[[Any], Any] | None = None,
    required: bool | None = None,
    help_text: str | None = None,
    **other_html_attrs: Any,
) -> Any:
    """A group of radio buttons; returns the chosen value, or None."""
    spec: RadioInputSpec = {
        "type": "radio",
        "label": label,
        "options": normalize_options(options, value),
    }
    _extend(
        spec,
        name,
        inline=inline,
        required=required,
        help_text=help_text,
        **other_html_attrs,
    )
    return _finish(InputItem(spec, validate, None, onchange, bool(required)))


def slider(
    label: str = "",
    *,
    name: str | None = None,
    value: float = 0,
    min_value: float = 0,
    max_value: float = 100,
    step: float = 1,
    validate: Callable[[Any], str | None] | None = None,
    onchange: Callable[[Any], Any] | None = None,
    required: bool | None = None,
    help_text: str | None = None,
    **other_html_attrs: Any,
) -> Any:
    """Range input; returns a float when any bound or the value is a float, else an int."""
    is_float = any(isinstance(v, float) for v in (value, min_value, max_value))
    spec: SliderInputSpec = {"type": "slider", "label": label, "float": is_float}
    _extend(
        spec,
        name,
        value=value,
        min_value=min_value,
        max_value=max_value,
        step=step,
        required=required,
        help_text=help_text,
        **other_html_attrs,
    )
    convert = _to_float if is_float else _to_int
    return _finish(InputItem(spec, validate, convert, onchange, bool(required)))


def actions(
    label: str = "",
    buttons: Sequence[Any] | None = None,
    name: str | None = None,
    help_text: str | None = None,
) -> Any:
    """A row of buttons; returns the value of the submit-type button clicked.

    Buttons are dicts ``{label, value, type, disabled, color}``, tuples
    ``(label, value, [type], [disabled])`` or plain values. ``type`` is
    'submit' (default), 'reset' or 'cancel' (the form then returns None).
    """
    spec: ActionsInputSpec = {
        "type": "actions",
        "label": label,
        "buttons": normalize_action_buttons(buttons),
    }
    return _finish(InputItem(_extend(spec, name, help_text=help_text)))


def input_group(
    label: str = "",
    inputs: Sequence[Any] | None = None,
    validate: Callable[[dict[str, Any]], Any] | None = None,
    cancelable: bool = False,
) -> Any:
    """Ask for several inputs in one form; returns ``{name: value}`` or None if cancelled.

    ``inputs`` are calls of input functions with ``name=``. ``validate(data)``
    returns None when valid, else ``(name, error message)``.
    """
    entries = list(inputs or [])
    for entry in entries:
        if isinstance(entry, InputItem):
            entry.claimed = True  # whatever happens next, the item did reach a form call
    items: list[InputItem] = []
    for entry in entries:
        if not isinstance(entry, InputItem):
            raise ValueError(
                "input_group() inputs must be input function calls with name=, e.g. "
                f"input('Age', name='age'); got {entry!r}"
            )
        if not entry.name:
            raise ValueError("every input_group() item needs a name= argument")
        items.append(entry)
    names = [item.name for item in items]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"input_group() item names must be unique, repeated: {sorted(duplicates)}")
    if items and items[-1].spec.get("type") == "actions":
        cancelable = False
    session = get_current_session()
    form = FormRequest(session, items, label=label, validate=validate, cancelable=cancelable)
    return session.run_form(form)


def input_update(name: str | None = None, **spec: Any) -> None:
    """Update attributes of an item of the shown form; only inside an onchange callback.

    ``name`` defaults to the item whose onchange is running. ``options`` of
    select/checkbox/radio take the same formats as when the item was made.
    """
    running = current_form.get()
    if running is None:
        raise RuntimeError("input_update() can only be called inside an onchange callback")
    form, current_name = running
    target = name or current_name
    if "options" in spec:
        spec["options"] = normalize_options(spec["options"])
    form.update(target, **spec)
    form.session.flush()
