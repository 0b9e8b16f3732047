"""Scopes: :func:`use_scope`, :func:`put_scope`, :func:`clear`, ..."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from ..protocol import (
    ROOT_SCOPE,
    scope_dom_id,
    scope_selector,
)
from ..session._context import get_current_session, scope_stack_var
from ._core import Output, _ctl, _output, _resolve_scope, _to_spec

__all__ = [
    "clear",
    "get_scope",
    "put_scope",
    "remove",
    "scroll_to",
    "use_scope",
]


F = TypeVar("F", bound=Callable[..., Any])


def get_scope(stack_idx: int = -1) -> str | None:
    """The scope name at ``stack_idx`` of the runtime scope stack (-1: current), or None."""
    try:
        return scope_stack_var.get()[stack_idx]
    except IndexError:
        return None


class use_scope:
    """Enter a scope (created in the current scope if it does not exist).

    Works as a context manager (``with use_scope('x') as name:``) and as a
    decorator. ``name=None`` makes a unique name; ``clear=True`` empties the
    scope on entry.
    """

    def __init__(self, name: str | None = None, clear: bool = False) -> None:
        if name is not None and (
            not isinstance(name, str) or not name or "-" in name or " " in name
        ):
            raise ValueError(
                f"scope name must be a non-empty string without '-' or spaces, got {name!r}"
            )
        self.name = name or f"s{uuid.uuid4().hex[:12]}"
        self.clear = clear
        self._tokens: list[Any] = []

    def __enter__(self) -> str:
        session = get_current_session()
        if self.name != ROOT_SCOPE:
            _ctl(
                {
                    "set_scope": scope_dom_id(self.name),
                    "container": scope_selector(_resolve_scope(None)),
                    "position": -1,
                    "if_exist": "clear" if self.clear else None,
                },
                session,
            )
        elif self.clear:
            clear(ROOT_SCOPE)
        self._tokens.append(scope_stack_var.set((*scope_stack_var.get(), self.name)))
        return self.name

    def __exit__(self, *exc: object) -> None:
        scope_stack_var.reset(self._tokens.pop())

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with use_scope(self.name, self.clear):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def put_scope(
    name: str,
    content: Output | Sequence[Output] = (),
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a scope called ``name`` holding ``content`` (an output or a list of them)."""
    items = [content] if isinstance(content, Output) else list(content)
    return _output(
        {"type": "scope", "dom_id": scope_dom_id(name), "contents": [_to_spec(c) for c in items]},
        scope,
        position,
    )


def clear(scope: str | int | None = None) -> None:
    """Remove the content of ``scope`` (default: the current scope)."""
    _ctl({"clear": scope_selector(_resolve_scope(scope))})


def remove(scope: str | int | None = None) -> None:
    """Remove ``scope`` itself (default: the current scope)."""
    name = _resolve_scope(scope)
    if name == ROOT_SCOPE:
        raise ValueError("the ROOT scope cannot be removed; use clear('ROOT') to empty it")
    _ctl({"remove": scope_selector(name)})


def scroll_to(
    scope: str | int | None = None, position: Literal["top", "middle", "bottom"] = "top"
) -> None:
    """Scroll the page so ``scope`` is at the 'top', 'middle' or 'bottom' of the view."""
    if position not in ("top", "middle", "bottom"):
        raise ValueError(f"position must be 'top', 'middle' or 'bottom', got {position!r}")
    _ctl({"scroll_to": scope_selector(_resolve_scope(scope)), "position": position})
