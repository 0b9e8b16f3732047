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

Extensions to PyWebIO's protocol are additive and marked as such below: the
``ping`` command / ``pong`` event handshake used by the notebook transport to
detect whether any frontend is listening.

``js/src/protocol.gen.ts`` is generated from this module by
``python scripts/gen_protocol_ts.py``; a test fails when the committed file
drifts from these definitions.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict, Union

__all__ = [
    "COMMAND_NAMES",
    "EVENT_NAMES",
    "Command",
    "DownloadSpec",
    "Event",
    "InputEventData",
    "InputGroupSpec",
    "InputItemSpec",
    "OutputCtlSpec",
    "OutputSpec",
    "PinOnChangeSpec",
    "PinUpdateSpec",
    "PinValueSpec",
    "PinWaitSpec",
    "PingSpec",
    "PongData",
    "PopupSpec",
    "ProtocolError",
    "RunScriptSpec",
    "SetEnvSpec",
    "ToastSpec",
    "UpdateInputSpec",
    "make_command",
    "parse_event",
]


class ProtocolError(ValueError):
    """A message from a client does not have the shape this module defines."""


# --------------------------------------------------------------------------
# Command specs
# --------------------------------------------------------------------------


class OptionSpec(TypedDict, total=False):
    """One option of a select / checkbox / radio item."""

    label: str
    value: Any
    selected: bool
    disabled: bool


class ActionButtonSpec(TypedDict, total=False):
    """One button of an ``actions`` item (``type`` defaults to submit)."""

    label: str
    value: Any
    type: Literal["submit", "reset", "cancel"]
    disabled: bool
    color: str


class InputActionSpec(TypedDict):
    """A button shown to the right of a text input (``input(action=...)``)."""

    label: str
    callback_id: str


class InputItemSpec(TypedDict, total=False):
    """One item of a form; also the ``input`` of a pin output.

    ``type`` is one of text, number, float, password, url, date, time, color,
    datetime-local, checkbox, radio, select, textarea, file, actions, slider.
    Further HTML attributes of the input element may be present.
    """

    label: str
    type: str
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
    datalist: list[str]
    action: InputActionSpec
    options: list[OptionSpec]
    multiple: bool
    inline: bool
    rows: int
    code: Any
    buttons: list[ActionButtonSpec]
    accept: str
    max_size: int
    max_total_size: int
    min_value: float
    max_value: float
    step: float
    float: bool
    maxlength: int
    minlength: int


class InputGroupSpec(TypedDict, total=False):
    """``input_group``: show a form; ``inputs`` is required."""

    label: str
    inputs: list[InputItemSpec]
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

    target_name: str
    target_value: str
    attributes: UpdateInputAttributes


class OutputSpec(TypedDict, total=False):
    """``output``: one output widget (``type`` decides which other fields apply).

    ``scope`` is the CSS selector of the target container
    (``#pywebio-scope-NAME``); ``position`` follows the manual's rules.
    """

    type: str
    style: str
    container_selector: str
    container_dom_id: str
    scope: str
    position: int
    click_callback_id: str
    # markdown / html / text
    content: Any
    options: dict[str, Any]
    sanitize: bool
    inline: bool
    # buttons
    callback_id: str
    buttons: list[dict[str, Any]]
    small: bool
    group: bool
    link: bool
    outline: bool
    # code
    language: str
    rows: int
    # file
    name: str
    label: str
    # table
    data: list[list[Any]]
    span: dict[str, dict[str, int]]
    # pin
    input: InputItemSpec
    # scope
    dom_id: str
    contents: list[OutputSpec]
    # scrollable
    min_height: int
    max_height: int
    keep_bottom: bool
    border: bool
    # tabs
    tabs: list[dict[str, Any]]
    # custom_widget
    template: str


class OutputCtlSpec(TypedDict, total=False):
    """``output_ctl``: scope control; exactly one operation per command."""

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

    title: str
    content: list[OutputSpec]
    size: Literal["large", "normal", "small"]
    implicit_close: bool
    closable: bool
    dom_id: str


class ToastSpec(TypedDict, total=False):
    """``toast``: show a notification."""

    content: str
    duration: float
    position: Literal["left", "center", "right"]
    color: str
    callback_id: str | None


class RunScriptSpec(TypedDict, total=False):
    """``run_script``: run JavaScript code; ``eval`` asks for a js_yield reply."""

    code: str
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

    name: str
    callback_id: str | None
    clear: bool


class PingSpec(TypedDict):
    """Extension ``ping``: the frontend answers with a ``pong`` carrying ``id``."""

    id: str


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

COMMAND_NAMES: tuple[str, ...] = (
    "input_group",
    "update_input",
    "destroy_form",
    "output",
    "output_ctl",
    "popup",
    "close_popup",
    "toast",
    "run_script",
    "download",
    "set_env",
    "pin_value",
    "pin_update",
    "pin_wait",
    "pin_onchange",
    "set_session_id",
    "close_session",
    "ping",
)

EVENT_NAMES: tuple[str, ...] = (
    "input_event",
    "callback",
    "from_submit",
    "from_cancel",
    "js_yield",
    "pong",
)


def make_command(name: str, spec: Any = None, task_id: str | None = None) -> Command:
    """Build a command envelope, checking that ``name`` is a known command."""
    if name not in COMMAND_NAMES:
        raise ValueError(f"unknown command {name!r}; expected one of {', '.join(COMMAND_NAMES)}")
    command: Any = {"command": name, "task_id": task_id, "spec": spec}
    return command  # type: ignore[no-any-return,unused-ignore]


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
    return event  # type: ignore[no-any-return,unused-ignore]
