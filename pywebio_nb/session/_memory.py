"""An in-memory transport: commands are kept in lists, events are pushed by hand.

Used by the unit tests and usable for scripted checks of an app without any
browser: run the app in a :class:`~pywebio_nb.session._base.ThreadSession`
over a :class:`MemoryTransport`, read ``transport.commands()``, answer with
``session.dispatch(event)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..protocol import Command
from ._base import Transport

__all__ = ["MemoryTransport"]


class MemoryTransport(Transport):
    """Records every delivered batch; ``on_batch`` is called after each one."""

    def __init__(self, on_batch: Callable[[str, list[Command]], None] | None = None) -> None:
        self.batches: list[tuple[str, list[Command]]] = []
        self.closed = False
        self._on_batch = on_batch
        self._cond = threading.Condition()

    def deliver(self, root_id: str, batch: list[Command]) -> None:
        with self._cond:
            self.batches.append((root_id, list(batch)))
            self._cond.notify_all()
        if self._on_batch is not None:
            self._on_batch(root_id, batch)

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def commands(self, name: str | None = None) -> list[Command]:
        """Every delivered command (of type ``name`` if given), in order."""
        with self._cond:
            return [
                c
                for _, batch in self.batches
                for c in batch
                if name is None or c["command"] == name
            ]

    def wait_for(self, predicate: Callable[[list[Command]], Any], timeout: float = 5.0) -> Any:
        """Block until ``predicate(commands)`` is truthy; return its value."""
        with self._cond:
            result = self._cond.wait_for(
                lambda: predicate([c for _, b in self.batches for c in b]), timeout
            )
        if not result:
            raise TimeoutError("the expected commands did not arrive")
        return result
