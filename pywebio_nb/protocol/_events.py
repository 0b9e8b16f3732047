"""Events (browser -> Python): the ``Event`` union and :func:`parse_event`."""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

import json
import re
import sys
from collections.abc import Callable
from typing import Any, Final, Literal, TypedDict, Union

if sys.version_info >= (3, 11):
    from typing import Required
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Required

from ._common import ProtocolError, _Envelope, _tags

__all__ = [
    "EVENT_NAMES",
    "EXTENSION_EVENT_NAMES",
    "MAX_NESTING",
    "AckData",
    "Event",
    "InputEventData",
    "PinChangeData",
    "PongData",
    "PopupClosedData",
    "ResumeData",
    "UploadChunkData",
    "loads_event",
    "parse_event",
]


class AckData(TypedDict, total=False):
    """Extension ``ack`` data: the frontend of ``root`` applied batches 1..``seq``.

    ``root`` is the root id (a notebook cell's widget); a server page, which
    shows one root, leaves it out. See ``session._replay``.
    """

    seq: Required[int]
    root: str


class ResumeData(TypedDict):
    """Extension ``resume`` data: a view of cell root ``root`` applied its batches
    1..``applied`` and needs what follows (0: it has nothing, e.g. after a reload)."""

    root: str
    applied: int


class InputEventData(TypedDict):
    """``input_event`` data: ``event_name`` is ``blur`` or ``change``."""

    event_name: str
    name: str
    value: Any


class PongData(TypedDict, total=False):
    """Extension ``pong`` data: echoes the ``id`` of the ping.

    The frontend also describes the browser that shows it (for ``session.info`` in
    a notebook): ``user_agent`` (``navigator.userAgent``), ``language``
    (``navigator.language``) and ``origin`` (``location.origin``).
    """

    id: Required[str]
    user_agent: str
    language: str
    origin: str


class PopupClosedData(TypedDict):
    """Extension ``popup_closed`` data: the ``dom_id`` of the popup the user closed."""

    dom_id: str


class UploadChunkData(TypedDict):
    """Extension ``upload_chunk`` data: one chunk of a file a ``file`` item uploads.

    The chunk's bytes are ``buffer``, an index into the binary buffers of the
    same Jupyter comm message, or, on a WebSocket, the bytes after the JSON
    header of the binary frame that carries this event (index 0): a frame is
    ``u32 big-endian header length | UTF-8 JSON of this event | chunk``, as the
    ``blob`` command's frames. ``name`` is the form item, ``blob`` an id the
    browser chose for the file (the ``from_submit`` value names it), ``offset``
    where the chunk goes, ``size`` the file's size. Chunks come in order, at
    most 1 MB each, all before the ``from_submit`` that names them.
    """

    name: str
    blob: str
    offset: int
    size: int
    buffer: int


class PinChangeData(TypedDict):
    """Extension ``pin_change`` data: the pin widget ``name`` and its new value."""

    name: str
    value: Any


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


class AckEvent(_Envelope):
    """Extension: acknowledges the batches a frontend applied (see :class:`AckData`);
    the session core forgets them from its replay log."""

    event: Literal["ack"]
    data: AckData


class PongEvent(_Envelope):
    """Extension: answer to a ``ping`` command."""

    event: Literal["pong"]
    data: PongData


class ResumeEvent(_Envelope):
    """Extension (notebook transport): a cell root's view (re)appeared without the
    history (page reload, second tab) or saw a gap in the batch numbers
    (``CommBatch.seq``); the kernel answers with the missed batches or a
    ``resync`` batch (``Session.catch_up``)."""

    event: Literal["resume"]
    data: ResumeData


class PopupClosedEvent(_Envelope):
    """Extension: the user closed the popup (its close button, Esc, a click on the
    backdrop). PyWebIO has no such event; it lets the page model forget the popup.
    Not sent when a ``close_popup`` command or a newer popup closed it."""

    event: Literal["popup_closed"]
    data: PopupClosedData


class UploadChunkEvent(_Envelope):
    """Extension: a chunk of an uploaded file (``task_id`` is the form's task).

    PyWebIO sends files base64-encoded inside ``from_submit``; here the bytes
    travel beside the JSON and ``from_submit`` names them (see
    :class:`UploadChunkData`). The session core handles it.
    """

    event: Literal["upload_chunk"]
    data: UploadChunkData


class PinChangeEvent(_Envelope):
    """Extension: the user changed a pin widget (sent for every change, whether or
    not anything waits for it). PyWebIO's frontend answers ``pin_value`` and
    ``pin_wait`` instead; reporting every change lets the session keep each pin's
    value, so reading it needs no round trip, and lets a ``pin_wait_change`` loop
    see changes made while its body ran. A value set by Python sends none."""

    event: Literal["pin_change"]
    data: PinChangeData


Event = Union[  # noqa: UP007 - a runtime alias the TS generator reads
    InputEventEvent,
    CallbackEvent,
    FromSubmitEvent,
    FromCancelEvent,
    JsYieldEvent,
    PongEvent,
    PinChangeEvent,
    PopupClosedEvent,
    UploadChunkEvent,
    AckEvent,
    ResumeEvent,
]


#: Every event name, in the order of :data:`Event`.
EVENT_NAMES: Final[tuple[str, ...]] = _tags(Event, "event")
#: Events that extend PyWebIO's protocol: the session core hands them to its
#: transport (``Transport.on_event``), whose runtime defined them. The
#: ``popup_closed`` extension is not one of them: the session core handles it.
EXTENSION_EVENT_NAMES: Final[tuple[str, ...]] = _tags(
    Union[PongEvent, ResumeEvent],  # noqa: UP007 - as Event
    "event",
)


#: Deepest nesting of arrays and objects accepted in a message from a client
#: (our frontends send at most a few levels).
MAX_NESTING = 100
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


_orjson_loads: Callable[[str | bytes], Any] | None
try:
    from orjson import loads as _orjson_loads
except ImportError:  # a platform without orjson: the standard library only
    _orjson_loads = None


def _too_deep(data: bytes) -> bool:
    """Whether ``data`` nests arrays/objects deeper than :data:`MAX_NESTING` (strings skipped)."""
    depth = 0
    for token in _TOKENS.finditer(data):
        char = token.group()[:1]
        if char in (b"[", b"{"):
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif char in (b"]", b"}"):
            depth -= 1
    return False


def loads_event(text: str | bytes) -> Any:
    """Decode the JSON of one message from a client; :class:`ProtocolError` when it is not.

    Nesting deeper than :data:`MAX_NESTING` (a 5,000-deep array) is refused
    before parsing, so it can neither exhaust the decoder's recursion nor end
    the connection. ``orjson`` decodes when installed (~10x faster than the
    standard library for an event); what it refuses (``NaN``, a lone surrogate
    escape) goes to the standard library, which decides. An integer past 64
    bits reads as a float there (no browser's ``JSON.stringify`` writes one).
    """
    # The common case costs two counts on the text as it came, with no copy.
    if isinstance(text, str):
        brackets = text.count("[") + text.count("{")
    else:
        brackets = text.count(b"[") + text.count(b"{")
    if brackets > MAX_NESTING:
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        if _too_deep(data):
            raise ProtocolError(f"the message nests deeper than {MAX_NESTING} levels")
    if _orjson_loads is not None:
        try:
            return _orjson_loads(text)
        except ValueError:  # NaN, a lone surrogate, bad JSON: the standard library decides
            pass
    try:
        return json.loads(text)
    except RecursionError:
        raise ProtocolError("the message is nested too deeply") from None
    except ValueError as exc:  # UnicodeDecodeError too
        raise ProtocolError(f"the message is not JSON: {exc}") from None


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
    elif name == "popup_closed" and not (
        isinstance(data, dict) and isinstance(data.get("dom_id"), str)
    ):
        raise ProtocolError("popup_closed data must be an object with a string 'dom_id'")
    elif name == "upload_chunk" and not (
        isinstance(data, dict) and isinstance(data.get("name"), str)
    ):
        raise ProtocolError("upload_chunk data must be an object with a string 'name'")
    elif name == "ack" and not (
        isinstance(data, dict)
        and type(data.get("seq")) is int
        and isinstance(data.get("root", ""), str)
    ):
        raise ProtocolError("ack data must be an object with an integer 'seq'")
    elif name == "resume" and not (
        isinstance(data, dict)
        and isinstance(data.get("root"), str)
        and type(data.get("applied")) is int
    ):
        raise ProtocolError(
            "resume data must be an object with a string 'root', an integer 'applied'"
        )
    elif name == "pin_change" and not (
        isinstance(data, dict) and isinstance(data.get("name"), str)
    ):
        raise ProtocolError("pin_change data must be an object with a string 'name'")
    event: Any = {"event": name, "task_id": task_id, "data": data}
    return event  # type: ignore[no-any-return]
