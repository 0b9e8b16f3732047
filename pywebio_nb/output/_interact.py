"""Interactions outside the page flow: :func:`toast`."""

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
    """Show a notification for ``duration`` seconds (0: until clicked).

    ``color`` is 'info', 'error', 'warn', 'success' or any CSS colour.
    """
    session = get_current_session()
    callback_id = (
        session.register_callback(lambda _data: onclick()) if onclick is not None else None
    )
    session.send(
        make_command(
            "toast",
            {
                "content": str(content),
                "duration": duration,
                "position": position,
                "color": TOAST_COLORS.get(color, color),
                "callback_id": callback_id,
            },
        )
    )
