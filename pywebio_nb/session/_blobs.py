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

The other direction, files a browser uploads (``file_upload``), comes in the
same way: chunks of at most ``CHUNK_SIZE`` bytes, each announced by an
``upload_chunk`` event (``protocol.UploadChunkData``) whose ``buffer`` indexes
the binary buffers of its comm message or is the tail of its binary WebSocket
frame. :class:`UploadStore` keeps them per waiting form item, only for items a
form declared (:meth:`UploadStore.expect`) and only within that item's limits:
past a limit it drops what it holds for the item and every later chunk of the
submission, so a client that ignores the limits costs no unbounded memory and
gets the error in its form.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..protocol import BlobRef, BlobSpec

logger = logging.getLogger("pywebio_nb.session")

__all__ = [
    "CHUNK_SIZE",
    "COLLECT_AFTER",
    "UPLOAD_MESSAGES",
    "Blob",
    "BlobStore",
    "UploadError",
    "UploadLimits",
    "UploadStore",
]

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
        # A dict used as a set (keys only): empty, it takes 64 bytes, a set 216.
        self._unsent: dict[str, None] = {}
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
            self._unsent[blob.id] = None
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
                    self._unsent.pop(blob_id, None)
                    found.append(self._blobs[blob_id])
                return
            for item in value.values():
                if isinstance(item, (dict, list)):
                    self._collect(item, found, only_unsent=only_unsent)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, (dict, list)):
                    self._collect(item, found, only_unsent=only_unsent)


# ------------------------------------------------------------------ uploads
#: The upload errors in English, by the key of the renderer's table of strings
#: (js/src/renderer/i18n.ts), which shows them in the browser's language.
UPLOAD_MESSAGES: dict[str, str] = {
    "upload_one_file": "Only one file can be uploaded here.",
    "upload_max_files": "At most {0} files can be uploaded here.",
    "upload_max_size": "A file is larger than the limit of {0}.",
    "upload_max_total_size": "The files are larger than the total limit of {0}.",
    "upload_malformed": "The upload was malformed; please choose the file again.",
    "upload_missing": "A file was not uploaded; please submit again.",
    "upload_incomplete": "An upload did not complete; please submit again.",
}


@dataclass(frozen=True)
class UploadError:
    """Why an upload is refused: a key of :data:`UPLOAD_MESSAGES` and its ``{0}`` values."""

    key: str
    args: tuple[Any, ...] = ()

    @property
    def message(self) -> str:
        """The English text (the renderer translates by ``key``)."""
        return UPLOAD_MESSAGES[self.key].format(*self.args)


def _size_text(size: int) -> str:
    for unit, scale in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.3g}{unit}"
    return f"{size} bytes"


@dataclass(frozen=True)
class UploadLimits:
    """What one file item accepts; 0 means no limit."""

    max_size: int = 0
    max_total_size: int = 0
    max_files: int = 1


@dataclass(eq=False)
class _Incoming:
    size: int
    chunks: list[memoryview]
    received: int = 0


@dataclass(eq=False)
class _Slot:
    limits: UploadLimits
    files: dict[str, _Incoming]
    total: int = 0
    error: UploadError | None = None
    on_forget: Callable[[], None] | None = None

    def refuse(self, error: UploadError) -> None:
        """Drop what came so far; every later chunk of this submission too."""
        if self.error is None:
            self.error = error
        self.files.clear()
        self.total = 0


class UploadStore:
    """Chunks of uploaded files, by (form task id, item name), within each item's limits.

    Chunks arrive on the transport's thread (the server's event loop, the
    kernel's event pump) and are kept as views of the received frames, never
    copied until :meth:`take` joins a file's chunks once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[tuple[str, str], _Slot] = {}

    def expect(
        self,
        task_id: str,
        name: str,
        limits: UploadLimits,
        on_forget: Callable[[], None] | None = None,
    ) -> None:
        """Accept uploads for item ``name`` of the form shown for ``task_id``.

        ``on_forget`` is called once the form's wait ended (:meth:`forget`).
        """
        with self._lock:
            self._slots[(task_id, name)] = _Slot(limits, {}, on_forget=on_forget)

    def forget(self, task_id: str) -> None:
        """The form of ``task_id`` is gone: drop its items and their chunks."""
        with self._lock:
            gone = [self._slots.pop(key) for key in [k for k in self._slots if k[0] == task_id]]
        for slot in gone:
            if slot.on_forget is not None:
                slot.on_forget()

    def receive(self, task_id: str | None, data: Any, chunk: memoryview | None) -> None:
        """Keep one chunk (``data`` is the ``upload_chunk`` event's data).

        A chunk for no declared item is logged and dropped; one that breaks the
        item's limits (file count, file size, total size) or does not fit its
        file (wrong offset, past the announced size) makes the item refuse
        this submission, with the message :meth:`take` reports.
        """
        name, blob_id = data.get("name"), data.get("blob")
        size, offset = data.get("size"), data.get("offset")
        with self._lock:
            slot = self._slots.get((task_id or "", name if isinstance(name, str) else ""))
            if slot is None:
                logger.info("ignored an upload chunk for no waiting file input: %.200r", data)
                return
            if slot.error is not None:
                return
            if (
                not isinstance(blob_id, str)
                or not _is_count(size)
                or not _is_count(offset)
                or chunk is None
            ):
                logger.warning("refused a malformed upload chunk: %.200r", data)
                slot.refuse(UploadError("upload_malformed"))
                return
            incoming = slot.files.get(blob_id)
            if incoming is None:
                error = self._admit(slot, size)
                if error is not None:
                    slot.refuse(error)
                    return
                incoming = slot.files[blob_id] = _Incoming(size, [])
                slot.total += size
            if offset != incoming.received or offset + chunk.nbytes > incoming.size:
                logger.warning(
                    "refused an upload chunk at %s of %d bytes for a file of %d bytes "
                    "(%d received)",
                    offset,
                    chunk.nbytes,
                    incoming.size,
                    incoming.received,
                )
                slot.refuse(UploadError("upload_malformed"))
                return
            if chunk.nbytes:
                incoming.chunks.append(chunk)
                incoming.received += chunk.nbytes

    @staticmethod
    def _admit(slot: _Slot, size: int) -> UploadError | None:
        """The error that refuses a new file of ``size`` bytes, or None."""
        limits = slot.limits
        if limits.max_files and len(slot.files) >= limits.max_files:
            if limits.max_files == 1:
                return UploadError("upload_one_file")
            return UploadError("upload_max_files", (limits.max_files,))
        if limits.max_size and size > limits.max_size:
            return UploadError("upload_max_size", (_size_text(limits.max_size),))
        if limits.max_total_size and slot.total + size > limits.max_total_size:
            return UploadError("upload_max_total_size", (_size_text(limits.max_total_size),))
        return None

    def take(self, task_id: str, name: str) -> tuple[dict[str, bytes], UploadError | None]:
        """The complete files uploaded for ``name`` since the last take, and the error if any.

        The item's state starts over: the next submission uploads again.
        """
        with self._lock:
            slot = self._slots.get((task_id, name))
            if slot is None:
                return {}, None
            files, error = slot.files, slot.error
            slot.files, slot.total, slot.error = {}, 0, None
        if error is not None:
            return {}, error
        done: dict[str, bytes] = {}
        for blob_id, incoming in files.items():
            if incoming.received != incoming.size:
                return {}, UploadError("upload_incomplete")
            done[blob_id] = b"".join(incoming.chunks)
            incoming.chunks.clear()  # let the frames go as soon as the file is joined
        return done, None

    def pending_bytes(self) -> int:
        """Bytes held for files not taken yet (for tests and benchmarks)."""
        with self._lock:
            return sum(f.received for s in self._slots.values() for f in s.files.values())


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
