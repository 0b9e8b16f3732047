"""session._coroutine.is_coroutine_callable: the one check for "is this async?"."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from pywebio_nb.session._coroutine import is_coroutine_callable


async def _async_fn(x: int = 0) -> int:
    return x


def _sync_fn(x: int = 0) -> int:
    return x


class _AsyncCallable:
    async def __call__(self) -> None:
        pass


class _SyncCallable:
    def __call__(self) -> None:
        pass


@pytest.mark.parametrize(
    ("func", "expected"),
    [
        (_async_fn, True),
        (functools.partial(_async_fn, 1), True),
        (functools.partial(functools.partial(_async_fn), 1), True),
        (_AsyncCallable(), True),
        (functools.partial(_AsyncCallable()), True),
        (_sync_fn, False),
        (functools.partial(_sync_fn, 1), False),
        (_SyncCallable(), False),
        (lambda: _async_fn(), False),  # returns a coroutine, but is not one: as PyWebIO
    ],
    ids=[
        "async",
        "partial",
        "nested-partial",
        "async-call",
        "partial-async-call",
        "sync",
        "sync-partial",
        "call",
        "lam",
    ],
)
def test_is_coroutine_callable(func: Callable[..., Any], expected: bool) -> None:
    assert is_coroutine_callable(func) is expected
