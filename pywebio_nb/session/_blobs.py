"""Binary content of a session: blobs sent beside the commands, never inside JSON.

An output with bytes (``put_image``, ``put_file``; later ``download()``)
registers them here and puts a :class:`~pywebio_nb.protocol.BlobRef` in its
spec. When a command that refers to a blob is sent, the session hands the
blob to the transport together with that command's batch, and the transport
sends its bytes first: as buffers of Jupyter comm messages in a notebook, as
binary WebSocket frames on the server. Each chunk is announced by a ``blob``
command (``protocol.BlobSpec``), so both transports share one frontend path.

The store keeps a reference to the bytes, not a copy per view: immutable
``bytes`` are shared as they are (only a mutable buffer is copied once, so a
later change by the app cannot alter what was shown), and chunks are
``memoryview`` slices. The page model's specs name blobs by id, so a later
reload or a second view can be sent the same bytes again.

Blobs are dropped once nothing shows them: after every ``COLLECT_AFTER`` bytes
added, the store asks its ``live`` callback for what the page still shows (the
page model's snapshots) and forgets every sent blob none of it names. An app
that replaces an image every second therefore keeps one image, not all of them.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..protocol import BlobRef, BlobSpec

__all__ = ["CHUNK_SIZE", "COLLECT_AFTER", "Blob", "BlobStore"]

#: Bytes per chunk: no comm message or WebSocket frame carries more than this
#: much binary data (Jupyter forwards comm messages whole; ~1 MB keeps each one
#: small, see notes/iopub-limits.md).
CHUNK_SIZE = 1 << 20
#: Bytes added between two collections of blobs nothing shows any more.
COLLECT_AFTER = 64 << 20


@dataclass(frozen=True, eq=False)
class Blob:
    """Bytes with an id and a media type; ``data`` is a read-only view, never copied."""

    id: str
    data: memoryview
    mime: str

    @property
    def size(self) -> int:
        return self.data.nbytes

    def ref(self) -> BlobRef:
        """What a spec carries in place of the bytes."""
        return {"blob": self.id, "size": self.size, "mime": self.mime}

    def chunks(self, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[BlobSpec, memoryview]]:
        """The chunks to send, in order: (spec of the ``blob`` command, bytes).

        ``buffer`` is 0 in every spec; a transport that packs several chunks
        into one message renumbers it. An empty blob is one empty chunk, so
        the frontend still learns it exists.
        """
        size = self.size
        offset = 0
        while True:
            piece = self.data[offset : offset + chunk_size]
            spec: BlobSpec = {
                "id": self.id,
                "offset": offset,
                "size": size,
                "mime": self.mime,
                "buffer": 0,
            }
            yield spec, piece
            offset += chunk_size
            if offset >= size:
                return


def _as_view(data: Any) -> memoryview:
    """A read-only byte view of ``data``; mutable buffers are copied once."""
    if isinstance(data, bytes):
        return memoryview(data)
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(
            "expected a bytes-like object (bytes, bytearray, memoryview), "
            f"got {type(data).__name__}"
        ) from None
    return memoryview(view.tobytes()) if not view.readonly else view.cast("B")


class BlobStore:
    """The blobs of one session, by id; remembers which were never sent.

    ``live`` returns what the page still shows (anything :meth:`referenced`
    can search: specs, commands, snapshots); without it nothing is collected.
    It is called without this store's lock held, so it may take the session's.
    """

    def __init__(
        self, live: Callable[[], Any] | None = None, collect_after: int = COLLECT_AFTER
    ) -> None:
        self._lock = threading.Lock()
        self._blobs: dict[str, Blob] = {}
        self._unsent: set[str] = set()
        self._live = live
        self._collect_after = collect_after
        self._added_since_collect = 0
        # Ids are short and unguessable-enough to never collide across sessions
        # that share a browser tab's memory (a counter keeps them ordered).
        self._prefix = secrets.token_hex(4)
        self._counter = itertools.count(1)

    def add(self, data: Any, mime: str = "") -> BlobRef:
        """Keep ``data`` (bytes-like) and return the reference a spec carries."""
        view = _as_view(data)
        blob = Blob(f"{self._prefix}-{next(self._counter)}", view, mime)
        with self._lock:
            self._blobs[blob.id] = blob
            self._unsent.add(blob.id)
            self._added_since_collect += blob.size
            due = self._live is not None and self._added_since_collect >= self._collect_after
        if due:
            self.collect()
        return blob.ref()

    def collect(self) -> int:
        """Forget the sent blobs that nothing live names; returns how many were dropped."""
        if self._live is None:
            return 0
        with self._lock:
            self._added_since_collect = 0
        shown = {blob.id for blob in self.referenced(self._live())}
        with self._lock:
            # Never-sent blobs belong to outputs still being built or buffered.
            dead = [i for i in self._blobs if i not in shown and i not in self._unsent]
            for blob_id in dead:
                del self._blobs[blob_id]
        return len(dead)

    def get(self, blob_id: str) -> Blob | None:
        with self._lock:
            return self._blobs.get(blob_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._blobs)

    @property
    def has_unsent(self) -> bool:
        return bool(self._unsent)

    def take_referenced(self, spec: Any) -> list[Blob]:
        """The never-sent blobs ``spec`` refers to (at any depth), now marked sent."""
        found: list[Blob] = []
        with self._lock:
            if self._unsent:
                self._collect(spec, found)
        return found

    def referenced(self, value: Any) -> list[Blob]:
        """Every blob ``value`` (specs, commands, a page-model snapshot) refers to.

        Sent or not: a reconnect or reload that replays a snapshot delivers
        these with it (``Transport.deliver(root, snapshot, blobs)``).
        """
        found: list[Blob] = []
        with self._lock:
            self._collect(value, found, only_unsent=False)
        return found

    def _collect(self, value: Any, found: list[Blob], *, only_unsent: bool = True) -> None:
        if isinstance(value, dict):
            blob_id = value.get("blob")
            if isinstance(blob_id, str) and blob_id in self._blobs:
                if not only_unsent:
                    if all(b.id != blob_id for b in found):
                        found.append(self._blobs[blob_id])
                elif blob_id in self._unsent:
                    self._unsent.discard(blob_id)
                    found.append(self._blobs[blob_id])
                return
            for item in value.values():
                if isinstance(item, (dict, list)):
                    self._collect(item, found, only_unsent=only_unsent)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, (dict, list)):
                    self._collect(item, found, only_unsent=only_unsent)
