"""Events (browser -> Python): the ``Event`` union and :func:`parse_event`."""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

from typing import Any, Final, Literal, TypedDict, Union

from ._common import ProtocolError, _Envelope, _tags

__all__ = [
    "EVENT_NAMES",
    "EXTENSION_EVENT_NAMES",
    "Event",
    "InputEventData",
    "PongData",
    "parse_event",
]


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


#: Every event name, in the order of :data:`Event`.
EVENT_NAMES: Final[tuple[str, ...]] = _tags(Event, "event")
#: Events that extend PyWebIO's protocol: the session core hands them to its
#: transport (``Transport.on_event``), whose runtime defined them.
EXTENSION_EVENT_NAMES: Final[tuple[str, ...]] = _tags(PongEvent, "event")


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
