"""Frontends that also keep the binary buffers of comm messages (the blob path).

``BlobDriver`` is the kernel driver plus blobs; ``run_notebook_with_blobs``
runs nbclient with the scripted frontend whose widgets keep blob chunks. Each
``blob`` command of a message names its chunk by index into that message's
buffers (``pywebio_nb.protocol.BlobSpec``); chunks are joined by offset.
"""

from __future__ import annotations

from typing import Any

import scripted_frontend
from kernel_driver import KernelDriver

from pywebio_nb.jupyter._wire import decode_batch


class BlobChunks:
    """Blob chunks as a frontend receives them, with the size of every message."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytearray] = {}
        self.sizes: dict[str, int] = {}
        #: (total buffer bytes, the message's command names) of every custom message
        self.messages: list[tuple[int, list[str]]] = []

    def take(self, commands: list[dict[str, Any]], buffers: list[Any]) -> None:
        self.messages.append(
            (sum(memoryview(b).nbytes for b in buffers), [c["command"] for c in commands])
        )
        for command in commands:
            if command["command"] != "blob":
                continue
            spec = command["spec"]
            chunk = bytes(buffers[spec["buffer"]])
            data = self.blobs.setdefault(spec["id"], bytearray(spec["size"]))
            self.sizes[spec["id"]] = spec["size"]
            assert spec["offset"] + len(chunk) <= spec["size"], spec
            data[spec["offset"] : spec["offset"] + len(chunk)] = chunk

    def complete(self, blob_id: str) -> bytes | None:
        data = self.blobs.get(blob_id)
        return bytes(data) if data is not None else None


class BlobDriver(KernelDriver):
    """The kernel driver, keeping blob chunks from the messages' buffers."""

    def __init__(self, kernel_name: str = "python3") -> None:
        super().__init__(kernel_name)
        self.chunks = BlobChunks()

    def _handle(self, msg: dict[str, Any]) -> None:
        content = msg["content"]
        if msg["msg_type"] == "comm_msg" and content["data"].get("method") == "custom":
            commands = decode_batch(content["data"]["content"]).commands
            self.chunks.take(commands, msg.get("buffers") or [])
        super()._handle(msg)


def blob_widget_class(script: scripted_frontend.Script) -> type:
    class BlobWidget(scripted_frontend.ScriptedWidget):
        chunks = BlobChunks()

        def handle_msg(self, msg: dict[str, Any]) -> None:
            data = msg["content"].get("data", {})
            if data.get("method") == "custom":
                commands = decode_batch(data["content"]).commands
                self.chunks.take(commands, msg.get("buffers") or [])
            super().handle_msg(msg)

    BlobWidget.script = script
    script.chunks = BlobWidget.chunks  # type: ignore[attr-defined]
    return BlobWidget


def run_notebook_with_blobs(path: str, steps: list[Any], **kwargs: Any) -> tuple[Any, Any]:
    """``scripted_frontend.run_notebook`` whose widgets keep blobs (``script.chunks``)."""
    original = scripted_frontend.widget_class
    scripted_frontend.widget_class = blob_widget_class  # looked up by run_notebook
    try:
        return scripted_frontend.run_notebook(path, steps, **kwargs)
    finally:
        scripted_frontend.widget_class = original
