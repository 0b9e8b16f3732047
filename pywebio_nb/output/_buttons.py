"""Button outputs: :func:`put_buttons`, :func:`put_button`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from .._options import normalize_output_buttons
from ..protocol import (
    ButtonsOutputSpec,
    OutputButtonSpec,
)
from ..session._context import get_current_session
from ._core import Output, _output

logger = logging.getLogger(__name__)


def _button_index(raw: Any, count: int) -> int | None:
    """The clicked button's index from a ``callback`` event, None when it names none.

    The page sends the index it was given; anything else (a hostile or broken
    client) is logged and the click dropped, rather than failing as app code.
    """
    if type(raw) is int and 0 <= raw < count:
        return raw
    logger.warning("a button click named no button of its group: %.100r", raw)
    return None


__all__ = [
    "put_button",
    "put_buttons",
]


def put_buttons(
    buttons: Sequence[Any],
    onclick: Callable[..., Any] | Sequence[Callable[[], Any]],
    small: bool | None = None,
    link_style: bool = False,
    outline: bool = False,
    group: bool = False,
    scope: str | int | None = None,
    position: int = -1,
    **callback_options: Any,
) -> Output:
    """Output a group of buttons; ``onclick(value)`` runs when one is clicked.

    ``onclick`` may instead be a list of no-argument callables, one per
    button. Button values may be any Python object (they never travel to the
    browser). ``serial_mode=True`` runs this group's callbacks one at a time
    (thread-based sessions); ``mutex_mode=True`` ignores clicks while a
    coroutine callback runs (coroutine-based sessions).
    """
    normalized = normalize_output_buttons(buttons)
    values = [value for _, value in normalized]
    if callable(onclick):
        handler: Callable[..., Any] = onclick

        def dispatch(raw: Any) -> Any:
            index = _button_index(raw, len(values))
            return None if index is None else handler(values[index])
    else:
        handlers = list(onclick)
        if len(handlers) != len(values):
            raise ValueError(
                f"put_buttons() got {len(values)} buttons but {len(handlers)} "
                "onclick callbacks; give one callable or one per button"
            )

        def dispatch(raw: Any) -> Any:
            index = _button_index(raw, len(handlers))
            return None if index is None else handlers[index]()

    session = get_current_session()
    callback_id = session.register_callback(
        dispatch,
        serial_mode=bool(callback_options.get("serial_mode")),
        mutex_mode=bool(callback_options.get("mutex_mode")),
    )
    spec: ButtonsOutputSpec = {
        "type": "buttons",
        "callback_id": callback_id,
        "buttons": [button for button, _ in normalized],
        "link": link_style,
        "outline": outline,
        "group": group,
    }
    if small is not None:
        spec["small"] = small
    return _output(spec, scope, position)


def put_button(
    label: str,
    onclick: Callable[[], Any],
    color: str | None = None,
    small: bool | None = None,
    link_style: bool = False,
    outline: bool = False,
    disabled: bool = False,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output one button; ``onclick()`` runs when it is clicked."""
    button: OutputButtonSpec = {"label": label, "value": label, "disabled": disabled}
    if color:
        button["color"] = color
    return put_buttons(
        [button],
        [onclick],
        small=small,
        link_style=link_style,
        outline=outline,
        scope=scope,
        position=position,
    )
