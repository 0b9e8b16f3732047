"""A scripted notebook frontend for nbclient: it answers PyWebIO forms like a user.

nbclient builds one :class:`ScriptedWidget` per cell-root widget the kernel
opens (through its ``widget_registry`` hook) and feeds it the comm messages of
the running cell. All widgets of one run share a :class:`Script`: a list of
steps performed in order as the page allows —

* ``("submit", data)``: answer the next pending form with ``from_submit``;
* ``("click", label)``: click the button with that label (in any cell root);
* ``("click_during_form", label)``: the same, but only while a form is pending
  (shown and not yet answered), so the click lands while a cell blocks in input;
* ``("expect", text)``: wait until some output containing ``text`` arrived.

Everything received is recorded per root, so tests assert on what a browser
would have shown, and in arrival order across roots (``Script.log``), so tests
can assert what happened while a form was pending.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pywebio_nb.jupyter._wire import decode_batch

Step = tuple[str, Any]


class Script:
    def __init__(self, steps: list[Step]) -> None:
        self.steps = list(steps)
        self.widgets: list[ScriptedWidget] = []
        self.forms: list[tuple[ScriptedWidget, dict[str, Any]]] = []
        self.busy: set[str] = set()  # forms answered, waiting for the kernel's verdict
        self.sender: Any = None
        self.pong_count = 0
        #: Every command received by any root, in arrival order.
        self.log: list[tuple[ScriptedWidget, dict[str, Any]]] = []

    def send(self, kernel_client: Any, content: dict[str, Any]) -> None:
        """Send a comm message on a connection of our own.

        Sending on nbclient's shell socket while nbclient awaits its reply on
        that same zmq.asyncio socket can swallow the socket's read edge: the
        reply is then only noticed when the cell's timeout fires.
        """
        if self.sender is None:
            from jupyter_client import BlockingKernelClient

            self.sender = BlockingKernelClient()
            self.sender.load_connection_info(kernel_client.get_connection_info())
            self.sender.start_channels(iopub=False, stdin=False, hb=False, control=False)
        self.sender.shell_channel.send(self.sender.session.msg("comm_msg", content))

    def close(self) -> None:
        if self.sender is not None:
            self.sender.stop_channels()

    def texts(self, widget: ScriptedWidget | None = None) -> list[str]:
        widgets = [widget] if widget is not None else self.widgets
        out: list[str] = []
        for w in widgets:
            for command in w.received:
                if command["command"] == "output":
                    _collect(command["spec"], out)
        return out

    def buttons(self) -> list[tuple[ScriptedWidget, str, int]]:
        found: list[tuple[ScriptedWidget, str, int]] = []
        for w in self.widgets:
            for command in w.received:
                if command["command"] == "output":
                    _collect_buttons(w, command["spec"], found)
        return found

    def pending_forms(self) -> list[tuple[ScriptedWidget, dict[str, Any]]]:
        """Forms shown and not answered yet (an answer refused by validation counts again)."""
        return [f for f in self.forms if f[1]["task_id"] not in self.busy]

    def advance(self) -> None:
        while self.steps:
            kind, arg = self.steps[0]
            if kind == "submit":
                ready = self.pending_forms()
                if not ready:
                    return
                widget, form = ready[0]
                data = arg(form["spec"]) if callable(arg) else arg
                self.busy.add(form["task_id"])
                widget.send_event("from_submit", form["task_id"], data)
            elif kind in ("click", "click_during_form"):
                if kind == "click_during_form" and not self.pending_forms():
                    return
                matches = [(w, cid, i) for w, label, (cid, i) in self.buttons() if label == arg]
                if not matches:
                    return
                widget, callback_id, index = matches[-1]
                widget.send_event("callback", callback_id, index)
            elif kind == "expect":
                if not any(arg in t for t in self.texts()):
                    return
            else:
                raise ValueError(f"unknown script step {kind!r}")
            self.steps.pop(0)


def _collect(spec: Any, out: list[str]) -> None:
    if isinstance(spec, dict):
        if isinstance(spec.get("content"), str):
            out.append(spec["content"])
        for key in ("contents", "data"):
            value = spec.get(key)
            if isinstance(value, list):
                for item in value:
                    _collect(item, out)
    elif isinstance(spec, list):
        for item in spec:
            _collect(item, out)
    elif isinstance(spec, str):
        out.append(spec)


def _collect_buttons(widget: Any, spec: Any, found: list[Any]) -> None:
    if isinstance(spec, dict):
        if spec.get("type") == "buttons":
            for button in spec.get("buttons", []):
                found.append((widget, button["label"], (spec["callback_id"], button["value"])))
        for key in ("contents", "data"):
            value = spec.get(key)
            if isinstance(value, list):
                for item in value:
                    _collect_buttons(widget, item, found)
    elif isinstance(spec, list):
        for item in spec:
            _collect_buttons(widget, item, found)


def widget_class(script: Script) -> type:
    """The class to register as ``widget_registry["anywidget"]["AnyModel"]``."""

    class Bound(ScriptedWidget):
        pass

    Bound.script = script
    return Bound


class ScriptedWidget:
    script: Script

    def __init__(
        self, comm_id: str, state: dict[str, Any], kernel_client: Any, executor: Any
    ) -> None:
        self.comm_id = comm_id
        self.state = state
        self.kernel_client = kernel_client
        self.received: list[dict[str, Any]] = []
        self.script.widgets.append(self)

    @property
    def root_id(self) -> str:
        return str(self.state.get("root_id", ""))

    def send_event(self, name: str, task_id: str | None, data: Any) -> None:
        content = {"event": name, "task_id": task_id, "data": data}
        self.script.send(
            self.kernel_client,
            {"comm_id": self.comm_id, "data": {"method": "custom", "content": content}},
        )

    def handle_msg(self, msg: dict[str, Any]) -> None:
        data = msg["content"].get("data", {})
        if data.get("method") != "custom":
            return
        for command in decode_batch(data["content"]).commands:
            self.received.append(command)
            self.script.log.append((self, command))
            if command["command"] == "ping":
                self.script.pong_count += 1
                self.send_event("pong", None, {"id": command["spec"]["id"]})
            elif command["command"] == "input_group":
                self.script.forms.append((self, command))
            elif command["command"] == "update_input":
                self.script.busy.discard(command["task_id"])
            elif command["command"] == "destroy_form":
                self.script.forms = [
                    f for f in self.script.forms if f[1]["task_id"] != command["task_id"]
                ]
        self.script.advance()


def run_notebook(
    path: str,
    steps: list[Step] | None,
    timeout: float = 60,
    kernel_name: str = "python3",
    allow_errors: bool = False,
    on_start: Callable[[Any], None] | None = None,
) -> tuple[Any, Script]:
    """Execute a notebook with a scripted frontend (or none when ``steps`` is None)."""
    import nbformat
    from nbclient import NotebookClient

    class FollowingClient(NotebookClient):  # type: ignore[misc]
        """Also delivers comm messages whose parent is not the running cell.

        A browser routes widget messages by comm id; nbclient only looks at
        messages of the running cell, so a callback's output flushed just
        between two cells would otherwise never reach the scripted frontend.
        """

        async def _async_poll_output_msg(
            self, parent_msg_id: str, cell: Any, cell_index: int
        ) -> None:
            from nbclient.exceptions import CellExecutionComplete
            from nbclient.util import ensure_async

            while True:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
                if msg["parent_header"].get("msg_id") == parent_msg_id:
                    try:
                        self.process_message(msg, cell, cell_index)
                    except CellExecutionComplete:
                        return
                elif msg["msg_type"] in ("comm_msg", "comm_open"):
                    self.handle_comm_msg([], msg, cell_index)

    nb = nbformat.read(path, as_version=4)
    script = Script(steps or [])
    client = FollowingClient(
        nb, timeout=timeout, kernel_name=kernel_name, allow_errors=allow_errors
    )
    if steps is not None:
        client.widget_registry = {"anywidget": {"AnyModel": widget_class(script)}}
    else:
        client.widget_registry = {}
    started = time.monotonic()
    try:
        client.execute()
    finally:
        script.close()
    script.elapsed = time.monotonic() - started  # type: ignore[attr-defined]
    return nb, script
