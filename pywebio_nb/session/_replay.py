"""Numbered batches, acknowledgements and replay: what a returning frontend missed.

A frontend can lose its connection (a server page's WebSocket drops, a
notebook page reloads) while its session goes on. Every batch a session
delivers to a root gets the next *sequence number* of that root (1, 2, 3, ...);
the frontend counts the batches it has applied and acknowledges that count
from time to time (the ``ack`` event). The :class:`ReplayLog` keeps the
batches not acknowledged yet, so a frontend that comes back saying "I have
applied N" receives exactly the batches after N, in order: nothing lost,
nothing twice.

The log is bounded (``max_commands`` commands and ``max_blob_bytes`` bytes of
binary content kept per root). When a frontend never acknowledges, the oldest
batches go; a frontend that then comes back with a count older than what was
dropped cannot be replayed, and the session rebuilds it from the page model
instead (a *snapshot*: :meth:`Session.resume`). Either way the frontend ends
up showing what the session shows.

On a WebSocket the numbers never travel with the batches: frames arrive in
order, so the page numbers them by counting. A transport that can lose or
reorder messages would put them on the wire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..protocol import Command
from ._blobs import Blob

__all__ = ["Delivered", "ReplayLog"]

#: Default bound of the commands kept per root until acknowledged.
MAX_COMMANDS = 10_000
#: Default bound of the blob bytes kept per root until acknowledged.
MAX_BLOB_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Delivered:
    """One delivered batch: its sequence number, commands and the blobs it needed."""

    seq: int
    batch: list[Command]
    blobs: tuple[Blob, ...] = ()

    @property
    def blob_bytes(self) -> int:
        return sum(blob.size for blob in self.blobs)


@dataclass(slots=True)
class _RootLog:
    last: int = 0  # the sequence number of the newest batch delivered
    acked: int = 0  # the newest the frontend said it applied
    dropped: int = 0  # newest sequence number dropped without acknowledgement
    #: The kept batches, oldest first; None while there are none (most of a session's
    #: life once its frontend acknowledges). A list, not a deque: a few batches is the
    #: usual backlog, where a deque takes ~600 bytes more; taking from its front moves
    #: the rest (8 bytes a batch), at most once per batch recorded.
    entries: list[Delivered] | None = None
    commands: int = 0
    blob_bytes: int = 0


class ReplayLog:
    """The batches of each root that its frontend has not acknowledged yet.

    Not thread-safe by itself: the session calls it under its flush lock.
    """

    def __init__(
        self, *, max_commands: int = MAX_COMMANDS, max_blob_bytes: int = MAX_BLOB_BYTES
    ) -> None:
        if max_commands < 1 or max_blob_bytes < 0:
            raise ValueError("a replay log must keep at least one command")
        self.max_commands = max_commands
        self.max_blob_bytes = max_blob_bytes
        self._roots: dict[str, _RootLog] = {}

    def _root(self, root_id: str) -> _RootLog:
        log = self._roots.get(root_id)
        if log is None:
            log = self._roots[root_id] = _RootLog()
        return log

    def record(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> int:
        """Keep ``batch`` (delivered to ``root_id`` now); returns its sequence number."""
        log = self._root(root_id)
        log.last += 1
        entry = Delivered(log.last, batch, tuple(blobs))
        if log.entries is None:
            log.entries = []
        log.entries.append(entry)
        log.commands += len(batch)
        log.blob_bytes += entry.blob_bytes if blobs else 0
        while log.entries and (
            log.commands > self.max_commands or log.blob_bytes > self.max_blob_bytes
        ):
            self._drop_oldest(log)
        return log.last

    @staticmethod
    def _drop_oldest(log: _RootLog) -> Delivered:
        assert log.entries is not None
        entry = log.entries.pop(0)
        log.commands -= len(entry.batch)
        log.blob_bytes -= entry.blob_bytes if entry.blobs else 0
        log.dropped = max(log.dropped, entry.seq)
        return entry

    def acknowledge(self, root_id: str, seq: int) -> bool:
        """The frontend of ``root_id`` applied every batch up to ``seq``: forget them.

        Returns False (and changes nothing) for a number this root never
        delivered or older than one already acknowledged.
        """
        log = self._roots.get(root_id)
        if log is None or not 0 <= seq <= log.last or seq < log.acked:
            return False
        log.acked = seq
        entries = log.entries or []
        done = 0
        while done < len(entries) and entries[done].seq <= seq:
            entry = entries[done]
            done += 1
            log.commands -= len(entry.batch)
            log.blob_bytes -= entry.blob_bytes if entry.blobs else 0
        del entries[:done]  # at once: one move of the rest, not one per batch
        if not entries:
            log.entries = None
        log.dropped = max(log.dropped, seq)
        return True

    def missed(self, root_id: str, seq: int) -> list[Delivered] | None:
        """The batches after ``seq``, in order, or None when some of them are gone.

        None also for a ``seq`` newer than anything delivered (a frontend that
        counts wrong cannot be trusted with a replay either).
        """
        log = self._root(root_id)
        if seq < log.dropped or seq > log.last:
            return None
        self.acknowledge(root_id, seq)
        return list(log.entries or ())

    def last(self, root_id: str) -> int:
        """The sequence number of the newest batch delivered to ``root_id`` (0: none)."""
        log = self._roots.get(root_id)
        return log.last if log is not None else 0

    def restart(self, root_id: str) -> int:
        """Forget every kept batch of ``root_id`` (a snapshot replaces them).

        Returns the sequence number the next batch will get: the snapshot's.
        """
        log = self._root(root_id)
        log.entries = None
        log.commands = log.blob_bytes = 0
        log.dropped = log.acked = log.last
        return log.last + 1

    def forget(self, root_id: str) -> None:
        """Drop everything about ``root_id`` (its frontend is gone for good)."""
        self._roots.pop(root_id, None)

    def kept(self, root_id: str) -> tuple[int, int]:
        """(commands, blob bytes) kept for ``root_id``: what the bound applies to."""
        log = self._roots.get(root_id)
        return (log.commands, log.blob_bytes) if log is not None else (0, 0)
