"""An in-memory transport: commands are kept in lists, events are pushed by hand.

Used by the unit tests and usable for scripted checks of an app without any
browser: run the app in a :class:`~pywebio_nb.session._base.ThreadSession`
over a :class:`MemoryTransport`, read ``transport.commands()``, answer with
``session.dispatch(event)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from ..protocol import Command
from ._base import Transport
from ._blobs import Blob

__all__ = ["MemoryTransport"]


class MemoryTransport(Transport):
    """Records every delivered batch; ``on_batch`` is called after each one.

    Blobs delivered with a batch are kept in ``blobs`` (root, blob), in order.
    """

    def __init__(self, on_batch: Callable[[str, list[Command]], None] | None = None) -> None:
        self.batches: list[tuple[str, list[Command]]] = []
        self.blobs: list[tuple[str, Blob]] = []
        self.closed = False
        self._on_batch = on_batch
        self._cond = threading.Condition()

    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        with self._cond:
            self.blobs.extend((root_id, blob) for blob in blobs)
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

    def blob_bytes(self, blob_id: str) -> bytes:
        """The bytes of a delivered blob (KeyError when it was never delivered)."""
        with self._cond:
            for _, blob in self.blobs:
                if blob.id == blob_id:
                    return blob.data.tobytes()
        raise KeyError(f"blob {blob_id!r} was never delivered")

    def wait_for(self, predicate: Callable[[list[Command]], Any], timeout: float = 5.0) -> Any:
        """Block until ``predicate(commands)`` is truthy; return its value."""
        with self._cond:
            result = self._cond.wait_for(
                lambda: predicate([c for _, b in self.batches for c in b]), timeout
            )
        if not result:
            raise TimeoutError("the expected commands did not arrive")
        return result
