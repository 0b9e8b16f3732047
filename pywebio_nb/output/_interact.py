"""Interactions outside the page flow: :func:`toast` (the popup is in ``_popup``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from ..protocol import (
    TOAST_COLORS,
    make_command,
)
from ..session._context import get_current_session

__all__ = [
    "toast",
]


def toast(
    content: str,
    duration: float = 2,
    position: Literal["left", "center", "right"] = "center",
    color: str = "info",
    onclick: Callable[[], Any] | None = None,
) -> None:
    """Show a notification message.

    :param content: the notification text (never HTML).
    :param duration: how long it shows, in seconds; ``0`` keeps it until the
        user closes it (a close button is shown next to the message).
    :param position: ``'left'``, ``'center'`` or ``'right'`` (at the top).
    :param color: the background: ``'info'``, ``'error'``, ``'warn'``,
        ``'success'`` or a colour value starting with ``'#'``.
    :param onclick: called with no argument when the notification is clicked
        (a coroutine function too, in a coroutine-based session).

    Example::

        def show_msg():
            put_text("You clicked the notification.")

        toast('New messages', position='right', color='#2188ff', duration=0, onclick=show_msg)
    """
    if position not in ("left", "center", "right"):
        raise ValueError(f"toast position must be 'left', 'center' or 'right', got {position!r}")
    if duration < 0:
        raise ValueError(f"toast duration must be >= 0 seconds, got {duration!r}")
    session = get_current_session()
    callback_id = (
        session.register_callback(lambda _data: onclick()) if onclick is not None else None
    )
    session.send(
        make_command(
            "toast",
            {
                "content": str(content),
                # Milliseconds on the wire, as PyWebIO's protocol.
                "duration": int(duration * 1000),
                "position": position,
                "color": TOAST_COLORS.get(color, color),
                "callback_id": callback_id,
            },
        )
    )
