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

import functools
import importlib.resources
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from ._form import MESSAGES, FormRequest, InputItem, InvalidValue, current_form
from ._options import index_options, normalize_action_buttons
from ._upload import file_upload
from .protocol import (
    TEXT_INPUT_TYPES,
    ActionsInputSpec,
    BlobRef,
    CheckboxInputSpec,
    RadioInputSpec,
    SelectInputSpec,
    SliderInputSpec,
    TextareaInputSpec,
    TextInputSpec,
)
from .session._context import get_current_session

logger = logging.getLogger("pywebio_nb.input")

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
    "file_upload",
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
            raise InvalidValue(MESSAGES["integer"], "integer") from None
        if as_float.is_integer():
            return int(as_float)
        raise InvalidValue(MESSAGES["integer"], "integer") from None


def _to_float(raw: Any) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise InvalidValue(MESSAGES["number"], "number") from None


def _to_str(raw: Any) -> str:
    if isinstance(raw, (dict, list)):  # no text field sends these; a foreign client might
        raise InvalidValue(MESSAGES["invalid"], "invalid")
    return "" if raw is None else str(raw)


def _choice_item(
    spec: Any,
    options: Sequence[Any] | None,
    value: Any,
    *,
    multiple: bool,
    validate: Callable[[Any], str | None] | None,
    onchange: Callable[[Any], Any] | None,
    required: bool | None,
) -> InputItem:
    """The item of select/checkbox/radio: options go out by index and come back as values."""
    spec["options"], choices = index_options(options, value, owner=spec["type"], multiple=multiple)
    return InputItem(
        spec, validate, None, onchange, bool(required), choices=choices, multiple=multiple
    )


@functools.cache
def _code_editor_bytes() -> bytes | None:
    """``static/code_editor.js`` (built from js/); None when the frontend is not built."""
    resource = importlib.resources.files("pywebio_nb") / "static" / "code_editor.js"
    try:
        return resource.read_bytes()
    except OSError:
        logger.error("pywebio_nb/static/code_editor.js is missing (run `npm run build` in js/)")
        return None


def _code_module(session: Any) -> BlobRef | None:
    """The code editor module as a blob for a notebook widget, else None.

    Only the anywidget needs it (its bundle leaves CodeMirror out); the server
    page fetches the editor as a chunk. The session is a notebook's only when
    the kernel runtime is loaded at all, so the check imports nothing.
    """
    kernel = sys.modules.get("pywebio_nb.jupyter._kernel_session")
    if kernel is None or not isinstance(session, kernel.KernelSession):
        return None
    data = _code_editor_bytes()
    # The bytes object is shared, not copied: each form refers to the same memory.
    return None if data is None else session.blobs.add(data, "text/javascript")


#: How input() converts what the browser sends, by type (text by default).
_TEXT_CONVERTERS: dict[str, Callable[[Any], Any]] = {NUMBER: _to_int, FLOAT: _to_float}


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
    target: dict[str, Any] = spec  # type: ignore[assignment]  # written generically
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
    the field; it runs when the field loses focus and on submit.
    ``required=True`` refuses an empty value. ``name`` is only for items of
    :func:`input_group`. ``onchange(value)`` runs at each change (it may call
    :func:`input_update`). ``placeholder``, ``readonly``, ``help_text`` (shown
    under the field), ``datalist`` (suggested values) and any further HTML
    attribute (``maxlength=10``, ``pattern=...``) apply to the field.

    ``action=(label, callback)`` puts a button beside the field; a click calls
    ``callback(set_value)``. ``set_value(value)`` fills the field;
    ``set_value(value, label)`` shows ``label`` in the field, makes it read-only
    and makes the input return ``value`` (any object, kept in Python)::

        def select_date(set_value):
            set_value(datetime.date.today(), "Today")

        d = input("Date", action=("Select", select_date), readonly=True)
    """
    if type not in TEXT_INPUT_TYPES:
        raise ValueError(f"input() type must be one of {', '.join(TEXT_INPUT_TYPES)}, got {type!r}")
    convert: Callable[[Any], Any] = _TEXT_CONVERTERS.get(type, _to_str)
    # (No typing.cast: a Python call per input() round trip.)
    base: TextInputSpec = {"type": type, "label": label}  # type: ignore[typeddict-item]
    spec = _extend(
        base,
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

    def on_click(_: Any) -> Any:
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

        # A coroutine callback (coroutine sessions) is returned for the session to await.
        return callback(set_value)

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
    """Multi-line text input; returns the text.

    ``rows`` sets the height, ``maxlength``/``minlength`` bound the length.
    ``code=True`` (or a dict of options) makes it a code editor (CodeMirror 6):
    ``{"mode": "python"}`` picks the language (python, markdown, javascript,
    json, sql, html, css), ``lineNumbers``, ``lineWrapping``, ``tabSize``,
    ``indentUnit`` and ``readOnly`` work as in CodeMirror. In the editor, F11
    toggles full screen and Esc leaves it; ``required`` still applies.
    """
    spec: TextareaInputSpec = {"type": "textarea", "label": label, "rows": rows}
    if code:
        module = _code_module(get_current_session())
        if module is not None:
            spec["code_module"] = module
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
    """Drop-down selection; returns the selected value (a list when ``multiple``).

    ``options`` is a list whose entries are dicts ``{"label": str, "value": any,
    "selected": bool, "disabled": bool}``, tuples ``(label, value, [selected],
    [disabled])`` or plain values (label and value at once). A value may be any
    Python object: it never travels to the browser, and the call returns that
    very object. ``value`` (a list when ``multiple``) preselects options; without
    it a single select starts on its first option. ``required=True`` refuses an
    empty choice (for ``multiple``). Example::

        gift = select("Which gift you want?", ["keyboard", "ipad"])
    """
    spec = _extend(
        cast(SelectInputSpec, {"type": "select", "label": label}),
        name,
        multiple=multiple,
        required=required,
        help_text=help_text,
        **other_html_attrs,
    )
    item = _choice_item(
        spec,
        options,
        value,
        multiple=bool(multiple),
        validate=validate,
        onchange=onchange,
        required=required,
    )
    return _finish(item)


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
    """A group of check boxes; returns the list of checked values (possibly empty).

    ``options`` take the formats of :func:`select`; ``inline=True`` puts the boxes
    on one line; ``value`` is the list of values checked at first. Example::

        agree = checkbox("User Term", options=["I agree to terms and conditions"])
    """
    spec = _extend(
        cast(CheckboxInputSpec, {"type": "checkbox", "label": label}),
        name,
        inline=inline,
        help_text=help_text,
        **other_html_attrs,
    )
    item = _choice_item(
        spec, options, value, multiple=True, validate=validate, onchange=onchange, required=None
    )
    return _finish(item)


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
    """A group of radio buttons; returns the chosen value, or None when none is chosen.

    ``options`` take the formats of :func:`select`; ``inline=True`` puts the
    buttons on one line; ``value`` is the value chosen at first;
    ``required=True`` refuses submitting with nothing chosen. Example::

        answer = radio("Choose one", options=["A", "B", "C", "D"])
    """
    spec = _extend(
        cast(RadioInputSpec, {"type": "radio", "label": label}),
        name,
        inline=inline,
        required=required,
        help_text=help_text,
        **other_html_attrs,
    )
    item = _choice_item(
        spec,
        options,
        value,
        multiple=False,
        validate=validate,
        onchange=onchange,
        required=required,
    )
    return _finish(item)


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
    """Range input; returns a float when any bound or the value is a float, else an int.

    As in PyWebIO 1.8, a float ``step`` also makes the result a float (an int
    result could not hold the steps). The current value is shown beside the bar.
    """
    is_float = any(isinstance(v, float) for v in (value, min_value, max_value, step))
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
    'submit' (default), 'reset' or 'cancel' (the form then returns None);
    ``color`` is a Bootstrap colour name (primary, warning, danger...). Values
    may be any Python object and come back as that object. As the last item of
    :func:`input_group` with a submit button, it replaces the form's Submit,
    Reset and Cancel buttons. ``actions(buttons=["Go"])`` is a "press to
    continue" button.
    """
    specs = normalize_action_buttons(buttons)
    # Like options, button values stay in Python: the browser sends the index.
    choices = [button.get("value", button["label"]) for button in specs]
    for index, button in enumerate(specs):
        button["value"] = index
    spec: ActionsInputSpec = {"type": "actions", "label": label, "buttons": specs}
    return _finish(InputItem(_extend(spec, name, help_text=help_text), choices=choices))


def input_group(
    label: str = "",
    inputs: Sequence[Any] | None = None,
    validate: Callable[[dict[str, Any]], Any] | None = None,
    cancelable: bool = False,
) -> Any:
    """Ask for several inputs in one form; returns ``{name: value}`` or None if cancelled.

    ``inputs`` are calls of input functions with ``name=`` (the keys of the
    result; an input without ``name=`` in the list asks for its value on its
    own first, as in PyWebIO, and then input_group raises ``ValueError``, as it
    does for repeated names). ``validate(data)`` runs on submit after each item's own
    checks and returns None when valid, else ``(name, error message)``, shown
    under that item. ``cancelable=True`` adds a Cancel button; the call then
    returns None when it is pressed (ignored when the last item is
    :func:`actions`).
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
                f"input('Age', name='age'); got {entry!r}. An input function called "
                "without name= asks for its value on its own before input_group() runs: "
                "give every input inside input_group() a name="
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


#: Item parameters ``input_update`` cannot change (the manual's list).
_NOT_UPDATABLE = frozenset({"type", "name", "validate", "action", "code", "onchange", "multiple"})


def input_update(name: str | None = None, **spec: Any) -> None:
    """Update attributes of an item of the shown form; only inside an onchange callback.

    ``name`` defaults to the item whose onchange is running. Any parameter of
    the item's input function may be given except type, name, validate,
    action, code, onchange and multiple; ``options`` of select/checkbox/radio
    take the same formats as when the item was made (and may come with a
    ``value``). Example, two dependent selects::

        country2city = {"China": ["Beijing", "Shanghai"], "USA": ["New York"]}
        countries = list(country2city)
        input_group("Select a location", [
            select("Country", options=countries, name="country",
                   onchange=lambda c: input_update("city", options=country2city[c])),
            select("City", options=country2city[countries[0]], name="city"),
        ])
    """
    running = current_form.get()
    if running is None:
        raise RuntimeError(
            "input_update() can only be called inside an onchange callback of an input "
            "(e.g. input(..., onchange=lambda v: input_update('other', value=v)))"
        )
    form, current_name = running
    target = name or current_name
    item = form.items.get(target)
    if item is None:
        raise ValueError(
            f"input_update(): the form has no input named {target!r}; its inputs are {form.order}"
        )
    refused = sorted(_NOT_UPDATABLE & spec.keys())
    if refused:
        raise ValueError(
            f"input_update() cannot change {', '.join(refused)}; "
            f"updatable are the other parameters of the {item.spec.get('type')} input"
        )
    if item.choices is not None and item.spec.get("type") != "actions":
        multiple = item.multiple
        if "options" in spec:
            spec["options"], item.choices = index_options(
                spec["options"],
                spec.get("value"),
                owner=str(item.spec.get("type")),
                multiple=multiple,
            )
            spec.pop("value", None)  # carried by the options' ``selected``
        elif "value" in spec:
            spec["value"] = _option_indexes(spec["value"], item.choices, multiple)
    form.update(target, **spec)
    form.session.flush()


def _option_indexes(value: Any, choices: list[Any], multiple: bool) -> Any:
    """The wire value of ``value`` for an option item: the index(es) of the option(s)."""
    wanted = list(value) if multiple and isinstance(value, (list, tuple)) else [value]
    indexes = [i for i, choice in enumerate(choices) if any(choice == w for w in wanted)]
    if multiple:
        return indexes
    return indexes[0] if indexes else None
