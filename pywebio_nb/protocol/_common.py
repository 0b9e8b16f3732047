"""Shared pieces of the wire schema: constants, scope ids, the base of every spec."""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

from typing import Any, Final, TypedDict, get_args, get_type_hints

__all__ = [
    "ROOT_SCOPE",
    "SCOPE_PREFIX",
    "TOAST_COLORS",
    "ProtocolError",
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


class _Envelope(TypedDict):
    task_id: str | None


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


def _tags(union: Any, field: str) -> tuple[str, ...]:
    """The ``Literal`` values of ``field`` across the members of ``union``, in order."""
    names: list[str] = []
    for member in get_args(union) or (union,):
        names.extend(get_args(get_type_hints(member)[field]))
    return tuple(names)
