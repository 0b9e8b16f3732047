"""Drive a real kernel with jupyter_client, acting as a minimal widget frontend.

It answers the handshake ping of every cell root and records the PyWebIO
commands each root receives, so tests can run code, see forms, answer or
interrupt them, and check what a browser would have shown.
"""

from __future__ import annotations

import queue
import time
from typing import Any

from jupyter_client.manager import start_new_kernel

from pywebio_nb.jupyter._wire import decode_batch


class KernelDriver:
    #: Which kernel variant this is (set by the ``driver`` fixture).
    variant: str = ""

    def __init__(self, kernel_name: str = "python3") -> None:
        self.km, self.kc = start_new_kernel(kernel_name=kernel_name)
        self.commands: dict[str, list[dict[str, Any]]] = {}  # comm id -> commands
        self.outputs: list[dict[str, Any]] = []
        # Shell replies read while looking for another one, by the request they answer.
        self._replies: dict[str, dict[str, Any]] = {}

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def send_event(self, comm_id: str, event: dict[str, Any]) -> None:
        msg = self.kc.session.msg(
            "comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": event}}
        )
        self.kc.shell_channel.send(msg)

    def execute(self, code: str) -> str:
        return str(self.kc.execute(code))

    def pump_until(self, predicate: Any, timeout: float = 20.0) -> Any:
        """Read IOPub (answering pings) until ``predicate()`` is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not reached; commands: {self.commands!r}")
            try:
                msg = self.kc.iopub_channel.get_msg(timeout=remaining)
            except queue.Empty:
                continue
            self._handle(msg)

    def _handle(self, msg: dict[str, Any]) -> None:
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "comm_open":
            self.commands.setdefault(content["comm_id"], [])
        elif kind == "comm_msg" and content["data"].get("method") == "custom":
            comm_id = content["comm_id"]
            for command in decode_batch(content["data"]["content"]).commands:
                self.commands.setdefault(comm_id, []).append(command)
                if command["command"] == "ping":
                    self.send_event(
                        comm_id,
                        {"event": "pong", "task_id": None, "data": {"id": command["spec"]["id"]}},
                    )
        elif kind in ("stream", "error", "execute_result", "display_data"):
            self.outputs.append(msg)

    def find(self, name: str) -> tuple[str, dict[str, Any]] | None:
        for comm_id, commands in self.commands.items():
            for command in commands:
                if command["command"] == name:
                    return comm_id, command
        return None

    def reply(self, msg_id: str, timeout: float = 20.0) -> dict[str, Any]:
        """The content of the shell reply to request ``msg_id``.

        Replies are matched by ``parent_header.msg_id``: the shell channel also
        carries replies nobody asked this driver for (``wait_for_ready`` re-sends
        ``kernel_info`` every second while the kernel starts), and taking "the next
        reply" would read one of those instead.
        """
        deadline = time.monotonic() + timeout
        while msg_id not in self._replies:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"no shell reply to {msg_id} within {timeout} s; "
                    f"other replies: {sorted(self._replies)}"
                )
            try:
                msg = self.kc.get_shell_msg(timeout=remaining)
            except queue.Empty:
                continue
            self._replies[msg["parent_header"].get("msg_id", "")] = msg
        return dict(self._replies.pop(msg_id)["content"])
