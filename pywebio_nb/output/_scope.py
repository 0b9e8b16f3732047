"""Scopes: :func:`use_scope`, :func:`put_scope`, :func:`clear`, ..."""

from __future__ import annotations

import functools
import inspect
import string
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from ..protocol import (
    ROOT_SCOPE,
    scope_dom_id,
    scope_selector,
)
from ..session._context import get_current_session, scope_stack_var
from ._core import Output, _ctl, _output, _resolve_scope, _to_spec, new_scope_name

__all__ = [
    "clear",
    "get_scope",
    "put_scope",
    "remove",
    "scroll_to",
    "use_scope",
]


F = TypeVar("F", bound=Callable[..., Any])

_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_-")


def _check_name(name: object) -> str:
    """A scope name is a DOM id part: letters, digits, '-' and '_' (as PyWebIO)."""
    if not isinstance(name, str) or not name or not _NAME_CHARS.issuperset(name):
        raise ValueError(
            f"scope name must be a non-empty string of letters, digits, '-' and '_', got {name!r}"
        )
    return name


def get_scope(stack_idx: int = -1) -> str | None:
    """Get the scope name of the runtime scope stack.

    :param stack_idx: the index in the runtime scope stack: 0 is the top level
        scope (``ROOT``), -1 the current scope, -2 the scope used before
        entering the current one, ...
    :return: the scope name at that index, or ``None`` when there is none.
    """
    try:
        return scope_stack_var.get()[stack_idx]
    except IndexError:
        return None


class use_scope:
    """Open or enter a scope. Can be used as context manager and decorator.

    :param name: scope name; ``None`` makes a globally unique one (the context
        manager returns the name).
    :param clear: whether to clear the contents of the scope before entering it.

    A scope that does not exist is created at the end of the current scope.
    Usage::

        with use_scope('scope1') as scope_name:
            put_text('text1 in scope1')

        @use_scope('time', clear=True)
        def show_time():
            put_text(datetime.now())

    The decorator enters the scope on every call (of a coroutine function, too).
    """

    def __init__(self, name: str | None = None, clear: bool = False) -> None:
        self.name = new_scope_name() if name is None else _check_name(name)
        self.clear = clear
        self._tokens: list[Any] = []

    def __enter__(self) -> str:
        session = get_current_session()
        if self.name != ROOT_SCOPE:
            # 'blank' keeps the scope's height while it is refilled (no page jump;
            # PyWebIO 1.8); __exit__ lets it shrink again with 'loose'.
            _ctl(
                {
                    "set_scope": scope_dom_id(self.name),
                    "container": scope_selector(_resolve_scope(None)),
                    "position": -1,
                    "if_exist": "blank" if self.clear else None,
                },
                session,
            )
        elif self.clear:
            clear(ROOT_SCOPE)
        self._tokens.append(scope_stack_var.set((*scope_stack_var.get(), self.name)))
        return self.name

    def __exit__(self, *exc: object) -> None:
        scope_stack_var.reset(self._tokens.pop())
        if self.clear and self.name != ROOT_SCOPE:
            _ctl({"loose": scope_selector(self.name)})

    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def coro_wrapper(*args: Any, **kwargs: Any) -> Any:
                with use_scope(self.name, self.clear):
                    return await func(*args, **kwargs)

            return coro_wrapper  # type: ignore[return-value]

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
    """Output a scope.

    :param name: the scope's name (letters, digits, '-' and '_').
    :param content: the initial content of the scope: ``put_xxx()`` or a list of it.
    :param scope, position: the same meaning as for :func:`put_text`.

    The scope can be passed wherever ``put_xxx()`` calls are accepted (a table
    cell, a row, a popup, ...) and then be written with ``use_scope(name)`` or
    ``scope=name``.
    """
    _check_name(name)
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
