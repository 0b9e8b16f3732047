"""The wire schema: every command and event exchanged with the browser.

This module is the single source of truth for message shapes. It follows the
"Server-Client communication protocol" chapter of the PyWebIO 1.7 manual:

* a *command* goes from the Python side to the browser:
  ``{"command": name, "task_id": str | None, "spec": ...}``;
* an *event* goes from the browser to the Python side:
  ``{"event": name, "task_id": str | None, "data": ...}``.

Several commands always travel together as a JSON list (one WebSocket frame or
one Jupyter comm message carries a whole batch). A browser sends one event per
message.

Every ``output`` spec and every form item is a TypedDict tagged by its
``type`` field (``Literal``), so a builder that writes a wrong field or forgets
a required one fails ``mypy``; :data:`OutputSpec` and :data:`InputItemSpec` are
the unions, and the name lists (:data:`COMMAND_NAMES`, :data:`OUTPUT_TYPES`,
...) are read from the unions, never written twice. The constants the renderer
shares with Python (scope ids, toast colours) live here too.

Extensions to PyWebIO's protocol are additive and marked as such below: the
``ping`` command / ``pong`` event handshake used by the notebook transport to
detect whether any frontend is listening.

``js/src/protocol.gen.ts`` is generated from this module by
``python scripts/gen_protocol_ts.py``; a test fails when the committed file
drifts from these definitions.
"""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

import sys
from typing import Any, Final, Literal, TypedDict, Union, get_args, get_type_hints, overload

if sys.version_info >= (3, 11):
    from typing import Required
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Required

__all__ = [
    "COMMAND_NAMES",
    "EVENT_NAMES",
    "EXTENSION_EVENT_NAMES",
    "INPUT_TYPES",
    "OUTPUT_TYPES",
    "ROOT_SCOPE",
    "SCOPE_PREFIX",
    "TEXT_INPUT_TYPES",
    "TOAST_COLORS",
    "ActionButtonSpec",
    "ActionsInputSpec",
    "ButtonsOutputSpec",
    "CheckboxInputSpec",
    "CodeOutputSpec",
    "Command",
    "DownloadSpec",
    "Event",
    "FileInputSpec",
    "FileOutputSpec",
    "HtmlOutputSpec",
    "InputActionSpec",
    "InputEventData",
    "InputGroupSpec",
    "InputItemSpec",
    "LayoutOutputSpec",
    "MarkdownOutputSpec",
    "OptionSpec",
    "OutputButtonSpec",
    "OutputCtlSpec",
    "OutputSpec",
    "PinOnChangeSpec",
    "PinOutputSpec",
    "PinUpdateSpec",
    "PinValueSpec",
    "PinWaitSpec",
    "PingSpec",
    "PongData",
    "PopupSpec",
    "ProtocolError",
    "RadioInputSpec",
    "RunScriptSpec",
    "ScopeOutputSpec",
    "ScrollableOutputSpec",
    "SelectInputSpec",
    "SetEnvSpec",
    "SliderInputSpec",
    "TabSpec",
    "TableOutputSpec",
    "TabsOutputSpec",
    "TextInputSpec",
    "TextOutputSpec",
    "TextareaInputSpec",
    "ToastSpec",
    "UpdateInputSpec",
    "make_command",
    "parse_event",
    "scope_dom_id",
    "scope_selector",
]


class ProtocolError(ValueError):
    """A message from a client does not have the shape this module defines."""


# --------------------------------------------------------------------------
# Shared constants
# --------------------------------------------------------------------------

#: DOM id prefix of a scope's container: scope ``x`` is ``#pywebio-scope-x``.
SCOPE_PREFIX: Final = "pywebio-scope-"
#: Name of the scope every root (page, notebook cell) starts with.
ROOT_SCOPE: Final = "ROOT"
#: ``toast(color=...)`` names and the background colour each one stands for.
TOAST_COLORS: Final[dict[str, str]] = {
    "info": "#1565c0",
    "error": "#e53935",
    "warn": "#ef6c00",
    "success": "#2e7d32",
}


def scope_dom_id(name: str) -> str:
    """DOM id of the container of scope ``name``."""
    return SCOPE_PREFIX + name


def scope_selector(name: str) -> str:
    """CSS selector of the container of scope ``name``."""
    return "#" + scope_dom_id(name)


# --------------------------------------------------------------------------
# Form items (``input_group`` inputs; also the ``input`` of a pin output)
# --------------------------------------------------------------------------


class OptionSpec(TypedDict, total=False):
    """One option of a select / checkbox / radio item (every builder sets ``label``)."""

    label: Required[str]
    value: Any
    selected: bool
    disabled: bool


class ActionButtonSpec(TypedDict, total=False):
    """One button of an ``actions`` item (``type`` defaults to submit)."""

    label: Required[str]
    value: Any
    type: Literal["submit", "reset", "cancel"]
    disabled: bool
    color: str


class InputActionSpec(TypedDict):
    """A button shown to the right of a text input (``input(action=...)``)."""

    label: str
    callback_id: str


class _InputItemBase(TypedDict, total=False):
    """Fields every form item may carry.

    Further HTML attributes of the input element (``other_html_attrs``) may be
    present too; the renderer sets them on the control.
    """

    label: str
    name: str
    value: Any
    placeholder: str
    required: bool
    readonly: bool
    disabled: bool
    onchange: bool
    onblur: bool
    auto_focus: bool
    help_text: str


class TextInputSpec(_InputItemBase, total=False):
    """``input()``: one line of text; ``type`` picks the HTML input type."""

    type: Required[
        Literal[
            "text", "number", "float", "password", "url", "date", "time", "color", "datetime-local"
        ]
    ]
    datalist: list[str]
    action: InputActionSpec


class TextareaInputSpec(_InputItemBase, total=False):
    """``textarea()``: multi-line text (``code`` asks for a code editor)."""

    type: Required[Literal["textarea"]]
    rows: int
    code: bool | dict[str, Any]
    maxlength: int
    minlength: int


class SelectInputSpec(_InputItemBase, total=False):
    """``select()``: a drop-down list (``multiple`` allows several values)."""

    type: Required[Literal["select"]]
    options: Required[list[OptionSpec]]
    multiple: bool


class CheckboxInputSpec(_InputItemBase, total=False):
    """``checkbox()``: check boxes; the value is the list of checked values."""

    type: Required[Literal["checkbox"]]
    options: Required[list[OptionSpec]]
    inline: bool


class RadioInputSpec(_InputItemBase, total=False):
    """``radio()``: radio buttons; the value is the chosen one or null."""

    type: Required[Literal["radio"]]
    options: Required[list[OptionSpec]]
    inline: bool


class ActionsInputSpec(_InputItemBase, total=False):
    """``actions()``: a row of buttons; the clicked submit button gives the value."""

    type: Required[Literal["actions"]]
    buttons: Required[list[ActionButtonSpec]]


class FileInputSpec(_InputItemBase, total=False):
    """``file_upload()``: choose files (sizes in bytes)."""

    type: Required[Literal["file"]]
    accept: str
    multiple: bool
    max_size: int
    max_total_size: int


class SliderInputSpec(_InputItemBase, total=False):
    """``slider()``: a range input; ``float`` says whether the value is a float."""

    type: Required[Literal["slider"]]
    min_value: float
    max_value: float
    step: float
    float: bool


InputItemSpec = Union[  # noqa: UP007 - a runtime alias the TS generator reads
    TextInputSpec,
    TextareaInputSpec,
    SelectInputSpec,
    CheckboxInputSpec,
    RadioInputSpec,
    ActionsInputSpec,
    FileInputSpec,
    SliderInputSpec,
]


class InputGroupSpec(TypedDict, total=False):
    """``input_group``: show a form."""

    label: str
    inputs: Required[list[InputItemSpec]]
    cancelable: bool


class UpdateInputAttributes(TypedDict, total=False):
    """Fields of an input item to change; other item fields may appear too."""

    valid_status: bool | int
    value: Any
    label: str
    placeholder: str
    invalid_feedback: str
    valid_feedback: str
    help_text: str
    options: list[OptionSpec]
    disabled: bool
    readonly: bool


class UpdateInputSpec(TypedDict, total=False):
    """``update_input``: change an item of the form shown for this task."""

    target_name: Required[str]
    target_value: str
    attributes: Required[UpdateInputAttributes]


# --------------------------------------------------------------------------
# Output widgets (``output`` command specs)
# --------------------------------------------------------------------------


class _OutputBase(TypedDict, total=False):
    """Fields every output spec may carry.

    ``scope`` is the CSS selector of the target container
    (``#pywebio-scope-NAME``) and ``position`` follows the manual's rules;
    both are absent on an output nested inside another one.
    """

    style: str
    scope: str
    position: int
    click_callback_id: str
    container_selector: str
    container_dom_id: str


class TextOutputSpec(_OutputBase, total=False):
    """``put_text``: plain text, never parsed as HTML."""

    type: Required[Literal["text"]]
    content: Required[str]
    inline: bool


class MarkdownOutputSpec(_OutputBase, total=False):
    """``put_markdown``: rendered with marked; ``options`` are marked options."""

    type: Required[Literal["markdown"]]
    content: Required[str]
    options: dict[str, Any]
    sanitize: bool


class HtmlOutputSpec(_OutputBase, total=False):
    """``put_html``: raw HTML (sanitized when ``sanitize``)."""

    type: Required[Literal["html"]]
    content: Required[str]
    sanitize: bool


class CodeOutputSpec(_OutputBase, total=False):
    """``put_code``: a code block."""

    type: Required[Literal["code"]]
    content: Required[str]
    language: str
    rows: int


class TableOutputSpec(_OutputBase, total=False):
    """``put_table``: rows of cells (the first row is the header).

    A cell is a string (text) or a nested output spec; ``span`` maps
    ``"row,col"`` to ``{"row": n, "col": m}``.
    """

    type: Required[Literal["table"]]
    data: Required[list[list[Union[str, "OutputSpec"]]]]
    span: dict[str, dict[str, int]]


class OutputButtonSpec(TypedDict, total=False):
    """One button of a ``buttons`` output; ``value`` is what the click event carries."""

    label: Required[str]
    value: Any
    disabled: bool
    color: str


class ButtonsOutputSpec(_OutputBase, total=False):
    """``put_buttons`` / ``put_button``: a click sends ``callback`` with the button's value."""

    type: Required[Literal["buttons"]]
    callback_id: Required[str]
    buttons: Required[list[OutputButtonSpec]]
    small: bool
    group: bool
    link: bool
    outline: bool


class ScopeOutputSpec(_OutputBase, total=False):
    """``put_scope``: a named scope (``dom_id``) holding ``contents``."""

    type: Required[Literal["scope"]]
    dom_id: Required[str]
    contents: list["OutputSpec"]


class ScrollableOutputSpec(_OutputBase, total=False):
    """``put_scrollable``: a box of fixed height around ``contents``."""

    type: Required[Literal["scrollable"]]
    contents: list["OutputSpec"]
    min_height: int
    max_height: int
    keep_bottom: bool
    border: bool


class LayoutOutputSpec(_OutputBase, total=False):
    """``put_row`` / ``put_column`` / ``put_grid``: ``contents`` laid out in a line or grid."""

    type: Required[Literal["row", "column", "grid"]]
    contents: list["OutputSpec"]


class TabSpec(TypedDict):
    """One tab of a ``tabs`` output."""

    title: str
    content: Union[str, "OutputSpec", list["OutputSpec"]]


class TabsOutputSpec(_OutputBase, total=False):
    """``put_tabs``: tabs, the first one shown."""

    type: Required[Literal["tabs"]]
    tabs: Required[list[TabSpec]]


class FileOutputSpec(_OutputBase, total=False):
    """``put_file``: a link that saves ``content`` (base64) as ``name``."""

    type: Required[Literal["file"]]
    name: Required[str]
    content: Required[str]
    label: str


class PinOutputSpec(_OutputBase, total=False):
    """A pin widget (``pywebio.pin``): a form item outside any form."""

    type: Required[Literal["pin"]]
    input: Required[InputItemSpec]


OutputSpec = Union[  # noqa: UP007 - a runtime alias the TS generator reads
    TextOutputSpec,
    MarkdownOutputSpec,
    HtmlOutputSpec,
    CodeOutputSpec,
    TableOutputSpec,
    ButtonsOutputSpec,
    ScopeOutputSpec,
    ScrollableOutputSpec,
    LayoutOutputSpec,
    TabsOutputSpec,
    FileOutputSpec,
    PinOutputSpec,
]


# --------------------------------------------------------------------------
# Other command specs
# --------------------------------------------------------------------------


class OutputCtlSpec(TypedDict, total=False):
    """``output_ctl``: scope control; exactly one operation per command.

    ``set_scope`` (with ``container``, ``position``, ``if_exist``) creates a
    scope; ``clear``/``remove``/``scroll_to`` name a scope by selector;
    ``clear_before``/``clear_after`` remove the siblings of a scope on one
    side; ``clear_range`` ``[first, last]`` removes the siblings strictly
    between two scopes; ``loose`` lets a scope shrink again: it drops the
    height that ``set_scope(if_exist="blank")`` kept, and changes nothing else.
    """

    set_scope: str
    container: str
    position: int | Literal["top", "middle", "bottom"]
    if_exist: Literal["remove", "clear", "blank"] | None
    loose: str
    clear: str
    clear_before: str
    clear_after: str
    clear_range: list[str]
    scroll_to: str
    remove: str


class PopupSpec(TypedDict, total=False):
    """``popup``: show a modal dialog."""

    title: Required[str]
    content: list[OutputSpec]
    size: Literal["large", "normal", "small"]
    implicit_close: bool
    closable: bool
    dom_id: str


class ToastSpec(TypedDict, total=False):
    """``toast``: show a notification; ``color`` is a CSS colour."""

    content: Required[str]
    duration: float
    position: Literal["left", "center", "right"]
    color: str
    callback_id: str | None


class RunScriptSpec(TypedDict, total=False):
    """``run_script``: run JavaScript code; ``eval`` asks for a js_yield reply."""

    code: Required[str]
    args: dict[str, Any]
    eval: bool


class DownloadSpec(TypedDict):
    """``download``: send a file (content base64-encoded)."""

    name: str
    content: str


class SetEnvSpec(TypedDict, total=False):
    """``set_env``: configure the session's page."""

    title: str
    output_animation: bool
    auto_scroll_bottom: bool
    http_pull_interval: int
    input_panel_fixed: bool
    input_panel_min_height: int
    input_panel_init_height: int
    input_auto_focus: bool
    output_max_width: str


class PinValueSpec(TypedDict):
    """``pin_value``: ask for the value of a pin widget (reply: js_yield)."""

    name: str


class PinUpdateSpec(TypedDict):
    """``pin_update``: change attributes of a pin widget."""

    name: str
    attributes: dict[str, Any]


class PinWaitSpec(TypedDict):
    """``pin_wait``: wait for any of ``names`` to change (reply: js_yield)."""

    names: list[str]
    timeout: int | None


class PinOnChangeSpec(TypedDict, total=False):
    """``pin_onchange``: set or clear the change callback of a pin widget."""

    name: Required[str]
    callback_id: str | None
    clear: bool


class PingSpec(TypedDict):
    """Extension ``ping``: the frontend answers with a ``pong`` carrying ``id``."""

    id: str


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------


class _Envelope(TypedDict):
    task_id: str | None


class InputGroupCommand(_Envelope):
    command: Literal["input_group"]
    spec: InputGroupSpec


class UpdateInputCommand(_Envelope):
    command: Literal["update_input"]
    spec: UpdateInputSpec


class DestroyFormCommand(_Envelope):
    command: Literal["destroy_form"]
    spec: None


class OutputCommand(_Envelope):
    command: Literal["output"]
    spec: OutputSpec


class OutputCtlCommand(_Envelope):
    command: Literal["output_ctl"]
    spec: OutputCtlSpec


class PopupCommand(_Envelope):
    command: Literal["popup"]
    spec: PopupSpec


class ClosePopupCommand(_Envelope):
    command: Literal["close_popup"]
    spec: None


class ToastCommand(_Envelope):
    command: Literal["toast"]
    spec: ToastSpec


class RunScriptCommand(_Envelope):
    command: Literal["run_script"]
    spec: RunScriptSpec


class DownloadCommand(_Envelope):
    command: Literal["download"]
    spec: DownloadSpec


class SetEnvCommand(_Envelope):
    command: Literal["set_env"]
    spec: SetEnvSpec


class PinValueCommand(_Envelope):
    command: Literal["pin_value"]
    spec: PinValueSpec


class PinUpdateCommand(_Envelope):
    command: Literal["pin_update"]
    spec: PinUpdateSpec


class PinWaitCommand(_Envelope):
    command: Literal["pin_wait"]
    spec: PinWaitSpec


class PinOnChangeCommand(_Envelope):
    command: Literal["pin_onchange"]
    spec: PinOnChangeSpec


class SetSessionIdCommand(_Envelope):
    command: Literal["set_session_id"]
    spec: str


class CloseSessionCommand(_Envelope):
    command: Literal["close_session"]
    spec: None


class PingCommand(_Envelope):
    """Extension: handshake probe (notebook transport)."""

    command: Literal["ping"]
    spec: PingSpec


Command = Union[  # noqa: UP007 - a runtime alias the TS generator reads
    InputGroupCommand,
    UpdateInputCommand,
    DestroyFormCommand,
    OutputCommand,
    OutputCtlCommand,
    PopupCommand,
    ClosePopupCommand,
    ToastCommand,
    RunScriptCommand,
    DownloadCommand,
    SetEnvCommand,
    PinValueCommand,
    PinUpdateCommand,
    PinWaitCommand,
    PinOnChangeCommand,
    SetSessionIdCommand,
    CloseSessionCommand,
    PingCommand,
]

# --------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------


class InputEventData(TypedDict):
    """``input_event`` data: ``event_name`` is ``blur`` or ``change``."""

    event_name: str
    name: str
    value: Any


class PongData(TypedDict):
    """Extension ``pong`` data: echoes the ``id`` of the ping."""

    id: str


class InputEventEvent(_Envelope):
    event: Literal["input_event"]
    data: InputEventData


class CallbackEvent(_Envelope):
    """``task_id`` is the callback id; ``data`` the clicked value."""

    event: Literal["callback"]
    data: Any


class FromSubmitEvent(_Envelope):
    event: Literal["from_submit"]
    data: dict[str, Any]


class FromCancelEvent(_Envelope):
    event: Literal["from_cancel"]
    data: None


class JsYieldEvent(_Envelope):
    event: Literal["js_yield"]
    data: Any


class PongEvent(_Envelope):
    """Extension: answer to a ``ping`` command."""

    event: Literal["pong"]
    data: PongData


Event = Union[  # noqa: UP007 - a runtime alias the TS generator reads
    InputEventEvent,
    CallbackEvent,
    FromSubmitEvent,
    FromCancelEvent,
    JsYieldEvent,
    PongEvent,
]


# --------------------------------------------------------------------------
# Name lists, read from the unions above
# --------------------------------------------------------------------------


def _tags(union: Any, field: str) -> tuple[str, ...]:
    """The ``Literal`` values of ``field`` across the members of ``union``, in order."""
    names: list[str] = []
    for member in get_args(union) or (union,):
        names.extend(get_args(get_type_hints(member)[field]))
    return tuple(names)


#: Every command name, in the order of :data:`Command`.
COMMAND_NAMES: Final[tuple[str, ...]] = _tags(Command, "command")
#: Every event name, in the order of :data:`Event`.
EVENT_NAMES: Final[tuple[str, ...]] = _tags(Event, "event")
#: Events that extend PyWebIO's protocol: the session core hands them to its
#: transport (``Transport.on_event``), whose runtime defined them.
EXTENSION_EVENT_NAMES: Final[tuple[str, ...]] = _tags(PongEvent, "event")
#: Every ``type`` of an ``output`` spec.
OUTPUT_TYPES: Final[tuple[str, ...]] = _tags(OutputSpec, "type")
#: Every ``type`` of a form item.
INPUT_TYPES: Final[tuple[str, ...]] = _tags(InputItemSpec, "type")
#: The ``type`` values of ``input()`` (one line of text).
TEXT_INPUT_TYPES: Final[tuple[str, ...]] = get_args(get_type_hints(TextInputSpec)["type"])

# --------------------------------------------------------------------------
# Building commands, checking events
# --------------------------------------------------------------------------


# One overload per command: mypy checks the spec against the command's name.
@overload
def make_command(
    name: Literal["input_group"], spec: InputGroupSpec, task_id: str | None = None
) -> InputGroupCommand: ...
@overload
def make_command(
    name: Literal["update_input"], spec: UpdateInputSpec, task_id: str | None = None
) -> UpdateInputCommand: ...
@overload
def make_command(
    name: Literal["destroy_form"], spec: None = None, task_id: str | None = None
) -> DestroyFormCommand: ...
@overload
def make_command(
    name: Literal["output"], spec: OutputSpec, task_id: str | None = None
) -> OutputCommand: ...
@overload
def make_command(
    name: Literal["output_ctl"], spec: OutputCtlSpec, task_id: str | None = None
) -> OutputCtlCommand: ...
@overload
def make_command(
    name: Literal["popup"], spec: PopupSpec, task_id: str | None = None
) -> PopupCommand: ...
@overload
def make_command(
    name: Literal["close_popup"], spec: None = None, task_id: str | None = None
) -> ClosePopupCommand: ...
@overload
def make_command(
    name: Literal["toast"], spec: ToastSpec, task_id: str | None = None
) -> ToastCommand: ...
@overload
def make_command(
    name: Literal["run_script"], spec: RunScriptSpec, task_id: str | None = None
) -> RunScriptCommand: ...
@overload
def make_command(
    name: Literal["download"], spec: DownloadSpec, task_id: str | None = None
) -> DownloadCommand: ...
@overload
def make_command(
    name: Literal["set_env"], spec: SetEnvSpec, task_id: str | None = None
) -> SetEnvCommand: ...
@overload
def make_command(
    name: Literal["pin_value"], spec: PinValueSpec, task_id: str | None = None
) -> PinValueCommand: ...
@overload
def make_command(
    name: Literal["pin_update"], spec: PinUpdateSpec, task_id: str | None = None
) -> PinUpdateCommand: ...
@overload
def make_command(
    name: Literal["pin_wait"], spec: PinWaitSpec, task_id: str | None = None
) -> PinWaitCommand: ...
@overload
def make_command(
    name: Literal["pin_onchange"], spec: PinOnChangeSpec, task_id: str | None = None
) -> PinOnChangeCommand: ...
@overload
def make_command(
    name: Literal["set_session_id"], spec: str, task_id: str | None = None
) -> SetSessionIdCommand: ...
@overload
def make_command(
    name: Literal["close_session"], spec: None = None, task_id: str | None = None
) -> CloseSessionCommand: ...
@overload
def make_command(
    name: Literal["ping"], spec: PingSpec, task_id: str | None = None
) -> PingCommand: ...
def make_command(name: str, spec: Any = None, task_id: str | None = None) -> Command:
    """Build a command envelope; mypy checks ``spec`` against the command ``name``.

    At run time an unknown ``name`` raises ValueError (the spec's fields are
    the type checker's job).
    """
    if name not in COMMAND_NAMES:
        raise ValueError(f"unknown command {name!r}; expected one of {', '.join(COMMAND_NAMES)}")
    command: Any = {"command": name, "task_id": task_id, "spec": spec}
    return command  # type: ignore[no-any-return]


def parse_event(message: Any) -> Event:
    """Check the envelope of an event received from a client.

    ``message`` is the decoded JSON value. Raises :class:`ProtocolError` with a
    message naming what was expected and what was found.
    """
    if not isinstance(message, dict):
        raise ProtocolError(f"an event must be a JSON object, got {type(message).__name__}")
    name = message.get("event")
    if name not in EVENT_NAMES:
        raise ProtocolError(f"unknown event {name!r}; expected one of {', '.join(EVENT_NAMES)}")
    task_id = message.get("task_id")
    if task_id is not None and not isinstance(task_id, str):
        raise ProtocolError(f"event task_id must be a string or null, got {type(task_id).__name__}")
    if "data" not in message:
        raise ProtocolError(f"event {name!r} has no 'data' field")
    data = message["data"]
    if name == "input_event":
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise ProtocolError("input_event data must be an object with a string 'name'")
    elif name == "from_submit" and not isinstance(data, dict):
        raise ProtocolError(f"from_submit data must be an object, got {type(data).__name__}")
    elif name == "pong" and not (isinstance(data, dict) and isinstance(data.get("id"), str)):
        raise ProtocolError("pong data must be an object with a string 'id'")
    event: Any = {"event": name, "task_id": task_id, "data": data}
    return event  # type: ignore[no-any-return]
