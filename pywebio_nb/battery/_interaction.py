"""Blocking dialogs in a popup: :func:`confirm` and :func:`popup_input`.

Both are built on the public pin API: the dialog's buttons are a
``put_actions`` pin widget and the calling code waits with
``pin_wait_change``, so they work wherever pins work (a server session, a
notebook cell, a callback). In a coroutine-based session they return a
coroutine to ``await``, like ``input()`` there.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import Any

from ..output import Output, PopupSize, close_popup, popup
from ..pin import pin, pin_update, pin_wait_change, put_actions
from ..session._context import get_current_session

__all__ = ["confirm", "popup_input"]

#: What ``popup_input(validate=...)`` returns for a bad form: (pin name, message), or None.
Validator = Callable[[dict[str, Any]], "tuple[str, str] | None"]


def _action_name() -> str:
    # Pin names are session-wide: a random one cannot clash with the app's own.
    return "battery_" + secrets.token_hex(6)


def _as_list(content: Any) -> list[Any]:
    if content is None:
        return []
    if isinstance(content, (list, tuple)):
        return list(content)
    return [content]


def confirm(
    title: str,
    content: str | Output | Sequence[str | Output] | None = None,
    *,
    timeout: float | None = None,
) -> Any:
    """Show a confirmation modal and wait for the answer.

    :param title: the modal's title.
    :param content: the content of the modal: a string, a ``put_xxx()`` call,
        or a list of them.
    :param timeout: seconds to wait for an answer; None waits for ever.
    :return: True when "CONFIRM" is clicked, False when "CANCEL" is clicked,
        None when ``timeout`` passes first (the modal is closed then too).

    Example::

        choice = confirm("Delete File", "Are you sure to delete this file?")
        put_text("Your choice", choice)

    In a coroutine-based session: ``await confirm(...)``.
    """
    name = _action_name()
    buttons = put_actions(
        name,
        buttons=[
            {"label": "CONFIRM", "value": True},
            {"label": "CANCEL", "value": False, "color": "danger"},
        ],
    ).style("margin-top: 1rem; float: right;")
    popup(title=title, content=[*_as_list(content), buttons], closable=False)
    if get_current_session().awaiting():
        return _confirm_async(name, timeout)
    try:
        change = pin_wait_change(name, timeout=timeout)
    finally:
        close_popup()
    return None if change is None else change["value"]


async def _confirm_async(name: str, timeout: float | None) -> Any:
    try:
        change = await pin_wait_change(name, timeout=timeout)
    finally:
        close_popup()
    return None if change is None else change["value"]


def _pin_names(pins: Sequence[Any]) -> list[str]:
    """The names of the pin widgets among ``pins`` (other outputs are shown as they are)."""
    names: list[str] = []
    for item in pins:
        spec: Any = getattr(item, "spec", None)
        if isinstance(spec, dict) and spec.get("type") == "pin":
            names.append(spec["input"]["name"])
    return names


def popup_input(
    pins: Output | Sequence[Output],
    title: str = "Please fill out the form below",
    validate: Validator | None = None,
    popup_size: str = PopupSize.NORMAL,
    cancelable: bool = False,
) -> Any:
    """Show a form made of pin widgets in a popup and wait until it is submitted.

    :param pins: the :doc:`pin <pin>` widgets of the form (``put_input(...)``,
        ``put_select(...)``, ...); other ``put_xxx()`` outputs may be mixed in.
    :param title: the popup's title.
    :param validate: called with the form's values (a dict) on submit; it
        returns None when they are fine, else ``(pin name, error message)``
        and the popup stays open showing the message under that widget.
    :param popup_size: ``'large'``, ``'normal'`` or ``'small'`` (see ``popup``).
    :param cancelable: show a "Cancel" button too.
    :return: the values as a dict ``{pin name: value}``, or None when cancelled.

    Example::

        form = popup_input([
            put_input("username", label="Username"),
            put_input("password", type=PASSWORD, label="Password"),
        ], "Login")
        put_text("Login info:", form)

    In a coroutine-based session: ``await popup_input(...)``.
    """
    items = _as_list(pins)
    names = _pin_names(items)
    action = _action_name()
    buttons: list[dict[str, Any]] = [{"label": "Submit", "value": True}]
    if cancelable:
        buttons.append({"label": "Cancel", "value": False, "color": "danger"})
    items.append(put_actions(action, buttons=buttons))
    popup(title=title, content=items, closable=False, size=popup_size)
    if get_current_session().awaiting():
        return _popup_input_async(action, names, validate)
    try:
        marked: str | None = None
        while True:
            change = pin_wait_change(action)
            if change is None or not change["value"]:
                return None
            values = {name: pin[name] for name in names}
            marked = _report(validate, values, marked)
            if marked is None:
                return values
    finally:
        close_popup()


async def _popup_input_async(
    action: str, names: list[str], validate: Validator | None
) -> dict[str, Any] | None:
    try:
        marked: str | None = None
        while True:
            change = await pin_wait_change(action)
            if change is None or not change["value"]:
                return None
            values = {name: await pin[name] for name in names}
            marked = _report(validate, values, marked)
            if marked is None:
                return values
    finally:
        close_popup()


def _report(validate: Validator | None, values: dict[str, Any], marked: str | None) -> str | None:
    """Check ``values``; mark the invalid widget (returned) or None when they pass.

    ``marked`` is the widget an earlier attempt marked invalid: its mark goes.
    """
    error = validate(values) if validate is not None else None
    name: str | None = None
    if error:
        try:
            name, message = error
        except (TypeError, ValueError):
            raise ValueError(
                "popup_input(validate=...) must return None when the form is valid, else "
                f"(pin name, error message); it returned {error!r}"
            ) from None
        pin_update(name, valid_status=False, invalid_feedback=message)
    if marked is not None and marked != name:
        pin_update(marked, valid_status=0)
    return name
