"""Commands (Python -> browser): the specs of the non-output commands, the
``Command`` union and :func:`make_command`.
"""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

import sys
from typing import Any, Final, Literal, TypedDict, Union, overload

if sys.version_info >= (3, 11):
    from typing import Required
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Required

from ._common import _Envelope, _tags
from ._inputs import InputGroupSpec, UpdateInputSpec
from ._outputs import OutputSpec
from ._outputs_media import BlobRef

__all__ = [
    "COMMAND_NAMES",
    "BlobSpec",
    "CommBatch",
    "Command",
    "DownloadSpec",
    "LogboxSpec",
    "OutputCtlSpec",
    "PinOnChangeSpec",
    "PinUpdateSpec",
    "PinValueSpec",
    "PinWaitSpec",
    "PingSpec",
    "PopupSpec",
    "ResyncSpec",
    "RunScriptSpec",
    "SetEnvSpec",
    "SetProcessbarSpec",
    "ToastSpec",
    "make_command",
]


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
    """``popup``: show a modal dialog; its body is the scope ``dom_id``.

    A new popup replaces the one the root shows; ``title`` is text.
    """

    title: Required[str]
    content: list[OutputSpec]
    size: Literal["large", "normal", "small"]
    implicit_close: bool
    closable: bool
    dom_id: str


class ToastSpec(TypedDict, total=False):
    """``toast``: show a notification; ``color`` is a CSS colour.

    ``duration`` is in milliseconds (0: until closed), as PyWebIO sends it.
    """

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
    """``download``: the browser saves ``content`` as a file called ``name``.

    Extension: ``content`` is a :class:`~._outputs_media.BlobRef` whose bytes
    travel beside the command as ``blob`` chunks (binary WebSocket frames, comm
    buffers), where PyWebIO sends a base64 string inside the JSON.
    """

    name: str
    content: BlobRef


class BlobSpec(TypedDict):
    """Extension ``blob``: one chunk of the bytes a :class:`~._outputs_media.BlobRef` names.

    The chunk's bytes are ``buffer``, an index into the binary buffers that
    travel with the command: the buffers of the same Jupyter comm message, or,
    on a WebSocket, the bytes after the JSON header of the binary frame that
    carries this command (index 0). A frame is ``u32 big-endian header length |
    UTF-8 JSON of this command | chunk``. ``offset`` is where the chunk goes in
    the blob, ``size`` the blob's total size, ``mime`` its media type. Every
    chunk of a blob arrives before the first command that refers to it; large
    blobs are cut into chunks of about 1 MB so no message is huge.
    """

    id: str
    offset: int
    size: int
    mime: str
    buffer: int


class SetEnvSpec(TypedDict, total=False):
    """``set_env``: configure the session's page (the keys of the manual's ``set_env``).

    ``http_pull_interval`` is read by the HTTP transport, not the renderer.
    """

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
    """``pin_update``: change attributes of a pin widget.

    Extension: ``attributes`` ``{"expired": true}`` makes the widget expire (a
    newer widget of that name was output, possibly in another notebook cell's
    root): the renderer replaces it by a notice, and it reports no more changes.
    """

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


class SetProcessbarSpec(TypedDict, total=False):
    """Extension ``set_processbar``: set the value (and label) of the bars called ``name``.

    PyWebIO does this with a ``run_script`` snippet; a command of its own lets
    the page model record the bar's latest value (for a reload or an export)
    and lets the session coalesce a burst of updates of one bar into the last.
    ``label`` None shows the percentage.
    """

    name: Required[str]
    value: Required[float]
    label: str | None


class PingSpec(TypedDict):
    """Extension ``ping``: the frontend answers with a ``pong`` carrying ``id``."""

    id: str


class ResyncSpec(TypedDict):
    """Extension ``resync``: the batch it starts rebuilds the root from scratch.

    Sent to a frontend that comes back (a reconnected server page) when the
    batches it missed are no longer kept (see ``session._replay``): clear
    everything the root shows (scopes, popup, forms), apply the rest of the
    batch, and count this batch as number ``seq`` from then on.
    """

    seq: int


class LogboxSpec(TypedDict, total=False):
    """Extension ``logbox``: append ``text`` to the logbox called ``name``
    (``pywebio_nb.battery.put_logbox``); with ``clear`` empty it first.

    PyWebIO's battery runs a ``run_script`` snippet per append; one small
    command lets a burst of appends travel in a few batches and lets the
    renderer scroll once per frame instead of once per line.
    """

    name: Required[str]
    text: Required[str]
    clear: bool


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


class BlobCommand(_Envelope):
    """Extension: a chunk of blob bytes (see :class:`BlobSpec`)."""

    command: Literal["blob"]
    spec: BlobSpec


class SetProcessbarCommand(_Envelope):
    """Extension: update a progress bar (see :class:`SetProcessbarSpec`)."""

    command: Literal["set_processbar"]
    spec: SetProcessbarSpec


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


class ResyncCommand(_Envelope):
    """Extension: rebuild the root from the rest of the batch (see :class:`ResyncSpec`)."""

    command: Literal["resync"]
    spec: ResyncSpec


class LogboxCommand(_Envelope):
    """Extension: append to a logbox (see :class:`LogboxSpec`)."""

    command: Literal["logbox"]
    spec: LogboxSpec


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
    SetProcessbarCommand,
    SetEnvCommand,
    PinValueCommand,
    PinUpdateCommand,
    PinWaitCommand,
    PinOnChangeCommand,
    SetSessionIdCommand,
    CloseSessionCommand,
    PingCommand,
    BlobCommand,
    ResyncCommand,
    LogboxCommand,
]

#: Every command name, in the order of :data:`Command`.
COMMAND_NAMES: Final[tuple[str, ...]] = _tags(Command, "command")


class CommBatch(TypedDict, total=False):
    """Extension: the content of one kernel -> frontend Jupyter comm message.

    PyWebIO's WebSocket frames carry a bare list of commands; IOPub can drop
    messages (past its rate limit), so on the comm each message says which
    batch it belongs to: ``seq`` numbers the batches of one cell root 1, 2, 3,
    ... (``session._replay``), ``commands`` is the batch. A frontend that sees
    a number jump asks the kernel to ``resume`` (it replays or resyncs). A
    batch whose blob chunks need several messages is sent as ``parts``
    messages numbered ``part`` 0 .. parts-1, all with its ``seq``; the earlier
    ones carry ``blob`` commands only, the last one the batch (the buffers of
    a message are the chunks its ``blob`` commands index). Without ``parts``
    the message is the whole batch.
    """

    seq: Required[int]
    commands: Required[list[Command]]
    part: int
    parts: int


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
    name: Literal["set_processbar"], spec: SetProcessbarSpec, task_id: str | None = None
) -> SetProcessbarCommand: ...
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
@overload
def make_command(
    name: Literal["resync"], spec: ResyncSpec, task_id: str | None = None
) -> ResyncCommand: ...
@overload
def make_command(
    name: Literal["blob"], spec: BlobSpec, task_id: str | None = None
) -> BlobCommand: ...
@overload
def make_command(
    name: Literal["logbox"], spec: LogboxSpec, task_id: str | None = None
) -> LogboxCommand: ...
def make_command(name: str, spec: Any = None, task_id: str | None = None) -> Command:
    """Build a command envelope; mypy checks ``spec`` against the command ``name``.

    At run time an unknown ``name`` raises ValueError (the spec's fields are
    the type checker's job).
    """
    if name not in COMMAND_NAMES:
        raise ValueError(f"unknown command {name!r}; expected one of {', '.join(COMMAND_NAMES)}")
    command: Any = {"command": name, "task_id": task_id, "spec": spec}
    return command  # type: ignore[no-any-return]
