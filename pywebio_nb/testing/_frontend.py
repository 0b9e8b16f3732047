"""The scripted frontend: a headless "browser" for pywebio_nb cell roots under nbclient.

nbclient makes one widget object per anywidget comm the kernel opens (its
``widget_registry`` hook) and hands it that comm's messages. Every cell root of
a run shares one :class:`ScriptedFrontend`, which records what a browser would
show (outputs, buttons, pins, forms), answers the handshake ``ping`` and every
question (forms, ``eval_js``, pin reads) from the answer policy, and performs
the steps (clicks, pin changes) as soon as the page allows.

When it cannot go on (a question without an answer, an answer refused, an
answer that cannot be encoded) it records the failure and interrupts the
kernel, so the run ends at once with that failure instead of waiting for a
timeout.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._answers import (
    NO_ANSWER,
    Click,
    Request,
    SetPin,
    Upload,
    encode_field,
    group_values,
    lookup,
    request_of_form,
)

__all__ = ["NotebookTestError", "ScriptedFrontend", "commands_of"]

#: Upload chunk size (the renderer's, ``pywebio_nb.session._blobs.CHUNK_SIZE``).
_CHUNK = 1 << 20


class NotebookTestError(AssertionError):
    """A scripted run could not go on: a question had no answer, an answer was refused,
    or steps were left over. The message names the input (its label) and the cell."""


def commands_of(content: Any) -> list[dict[str, Any]]:
    """The commands of one kernel -> frontend custom comm message.

    The one place that knows the wire shape here: a numbered batch
    (``pywebio_nb.jupyter._wire``), or a bare list of commands (older kernels).
    """
    if isinstance(content, list):
        return content
    from ..jupyter._wire import decode_batch

    return [dict(command) for command in decode_batch(content).commands]


class ScriptedFrontend:
    """Answers a notebook's questions and performs steps; records what it was shown."""

    def __init__(self, answers: Any, *, stall_timeout: float = 10.0) -> None:
        if answers is None:
            raise TypeError("a scripted frontend needs answers (a list, a mapping or a function)")
        self.steps: list[Any] = []
        self.mapping: Mapping[str, Any] | None = None
        self.function: Callable[[Request], Any] | None = None
        self.clicks: list[Any] = []
        if callable(answers):
            self.function = answers
        elif isinstance(answers, Mapping):
            self.mapping = answers
        elif isinstance(answers, Sequence) and not isinstance(answers, (str, bytes)):
            self.steps = list(answers)
        else:
            raise TypeError(
                "answers must be a list (values and steps in order), a mapping "
                f"(label or name -> value) or a function of the request, got {answers!r}"
            )
        self.stall_timeout = stall_timeout
        self.widgets: list[ScriptedWidget] = []
        #: Every command received, in arrival order: (the cell root's widget, command).
        self.log: list[tuple[ScriptedWidget, dict[str, Any]]] = []
        #: Questions waiting for an answer: task id -> (widget, request, command).
        self.pending: dict[str, tuple[ScriptedWidget, Request, dict[str, Any]]] = {}
        self.answered: dict[str, Any] = {}  # task id -> the answer given (while the kernel checks)
        self.pins: dict[str, tuple[ScriptedWidget, Any]] = {}
        self.failure: NotebookTestError | None = None
        self.cell: int | None = None
        self.interrupt: Callable[[], None] = lambda: None
        self._sender: Any = None
        self._blob_ids = itertools.count(1)
        self._stall: asyncio.TimerHandle | None = None

    # ----------------------------------------------------------- the wire
    def send(
        self, kernel_client: Any, comm_id: str, event: dict[str, Any], buffers: Any = None
    ) -> None:
        """Send one event on a kernel connection of our own.

        Sending on nbclient's shell socket while nbclient awaits its reply on
        that same zmq.asyncio socket can swallow the socket's read edge: the
        reply is then only noticed when the cell's timeout fires.
        """
        if self._sender is None:
            from jupyter_client.blocking.client import BlockingKernelClient

            self._sender = BlockingKernelClient()
            self._sender.load_connection_info(kernel_client.get_connection_info())
            self._sender.start_channels(iopub=False, stdin=False, hb=False, control=False)
        content = {"comm_id": comm_id, "data": {"method": "custom", "content": event}}
        msg = self._sender.session.msg("comm_msg", content)
        self._sender.session.send(self._sender.shell_channel.socket, msg, buffers=buffers)

    def close(self) -> None:
        if self._stall is not None:
            self._stall.cancel()
        if self._sender is not None:
            self._sender.stop_channels()
            self._sender = None

    # --------------------------------------------------------- what it saw
    def texts(self) -> list[str]:
        """The texts of every output shown (text, markdown, html, code, ...), in order."""
        out: list[str] = []
        for _widget, command in self.log:
            if command.get("command") == "output":
                _collect_texts(command.get("spec"), out)
        return out

    def buttons(self) -> list[tuple[ScriptedWidget, str, str, Any]]:
        """(widget, label, callback id, value) of every button shown, in order."""
        found: list[tuple[ScriptedWidget, str, str, Any]] = []
        for widget in self.widgets:
            for command in widget.received:
                if command.get("command") == "output":
                    _collect_buttons(widget, command.get("spec"), found)
        return found

    # ------------------------------------------------------------- events
    def received(self, widget: ScriptedWidget, command: dict[str, Any]) -> None:
        name = command.get("command")
        self.log.append((widget, command))
        task_id = str(command.get("task_id"))
        spec = command.get("spec") or {}
        if name == "ping":
            widget.send_event(
                "pong", None, {"id": spec.get("id"), "user_agent": "pywebio_nb.testing"}
            )
        elif name == "input_group":
            self.pending[task_id] = (widget, request_of_form(spec, self.cell), command)
        elif name == "run_script" and spec.get("eval"):
            self.pending[task_id] = (
                widget,
                Request("eval_js", str(spec.get("code", "")), cell=self.cell),
                command,
            )
        elif name == "pin_value":
            current = self.pins.get(str(spec.get("name")))
            widget.send_event("js_yield", task_id, None if current is None else current[1])
        elif name == "update_input":
            attributes = spec.get("attributes") or {}
            if task_id in self.answered and attributes.get("valid_status") is False:
                self._refused(task_id, attributes)
        elif name == "destroy_form":
            self.pending.pop(task_id, None)
            self.answered.pop(task_id, None)
        elif name == "output":
            _collect_pins(widget, spec, self.pins)

    def _refused(self, task_id: str, attributes: Mapping[str, Any]) -> None:
        """The kernel refused an answer (validation): ask again, or fail."""
        given = self.answered.pop(task_id)
        entry = self.pending.get(task_id)
        if entry is None:
            return
        if self.steps:  # an answer list may hold the next try
            return
        feedback = attributes.get("invalid_feedback", "refused")
        self.fail(
            f"the answer {given!r} to {entry[1].describe()} was refused: {feedback!r}"
            + ("" if self.function or self.mapping else " and the answer list has no other try")
        )

    # -------------------------------------------------------------- steps
    def advance(self) -> None:
        """Answer what can be answered and perform the steps the page allows."""
        if self.failure is not None:
            if self._waiting() is not None:  # a later cell asks again (allow_errors)
                self.interrupt()
            return
        try:
            if self.mapping is not None or self.function is not None:
                self._answer_all()
                return
            while self.steps:
                step = self.steps[0]
                if isinstance(step, Click):
                    if not self._click(step.label):
                        break
                elif isinstance(step, SetPin):
                    if not self._set_pin(step.name, step.value):
                        break
                else:
                    waiting = self._waiting()
                    if waiting is None:
                        break
                    self._answer(waiting, step)
                self.steps.pop(0)
            waiting = self._waiting()
            if waiting is not None and not self.steps:
                self.fail(
                    f"no answer for {self.pending[waiting][1].describe()}: "
                    "the answer list is used up"
                )
            elif waiting is not None:
                self._watch_stall()
        except NotebookTestError as exc:
            self.fail(str(exc))
        except (ValueError, TypeError, KeyError, OSError) as exc:
            self.fail(str(exc.args[0]) if exc.args else repr(exc))

    def _waiting(self) -> str | None:
        """The oldest question not answered yet."""
        return next((t for t in self.pending if t not in self.answered), None)

    def _answer_all(self) -> None:
        for task_id in [t for t in self.pending if t not in self.answered]:
            request = self.pending[task_id][1]
            if self.function is not None:
                value = self.function(request)
            else:
                assert self.mapping is not None
                value = lookup(self.mapping, request)
            if value is NO_ANSWER:
                raise NotebookTestError(
                    f"no answer for {request.describe()}: the "
                    + ("answer function returned NO_ANSWER" if self.function else "mapping has no ")
                    + ("" if self.function else _keys_hint(request))
                )
            self._answer(task_id, value)

    def _answer(self, task_id: str, value: Any) -> None:
        widget, request, _command = self.pending[task_id]
        self.answered[task_id] = value
        if request.kind == "eval_js":
            self.pending.pop(task_id)
            self.answered.pop(task_id)
            widget.send_event("js_yield", task_id, value)
            return
        values = group_values(request, value)
        data: dict[str, Any] = {}
        for f in request.fields:
            if f.name not in values:
                continue
            wire, uploads = encode_field(f, values[f.name])
            if f.type == "file":
                wire = [self._upload(widget, task_id, f.name, u) for u in uploads]
                if not f.multiple:
                    wire = wire[:1]
            data[f.name] = wire
        widget.send_event("from_submit", task_id, data)

    def _upload(self, widget: ScriptedWidget, task_id: str, name: str, upload: Upload) -> Any:
        blob = f"testing-{next(self._blob_ids)}"
        content = upload.content
        for offset in range(0, max(len(content), 1), _CHUNK):
            chunk = content[offset : offset + _CHUNK]
            data = {"name": name, "blob": blob, "offset": offset, "size": len(content), "buffer": 0}
            widget.send_event("upload_chunk", task_id, data, [chunk])
        return {
            "blob": blob,
            "filename": upload.filename,
            "mime_type": upload.mime_type,
            "last_modified": time.time() * 1000,
        }

    def _click(self, label: str) -> bool:
        matches = [(w, cid, v) for w, lab, cid, v in self.buttons() if lab == label]
        if matches:
            widget, callback_id, value = matches[-1]
            widget.send_event("callback", callback_id, value)
            return True
        for task_id in [t for t in self.pending if t not in self.answered]:
            request = self.pending[task_id][1]
            if request.kind == "form" and any(
                f.type == "actions" and label in f.options for f in request.fields
            ):
                f = next(f for f in request.fields if f.type == "actions" and label in f.options)
                self._answer(task_id, label if request.single else {f.name: label})
                return True
        return False

    def _set_pin(self, name: str, value: Any) -> bool:
        shown = self.pins.get(name)
        if shown is None:
            return False
        widget, _old = shown
        spec = widget.pin_specs.get(name, {})
        wire = value
        if spec:
            from ._answers import Field

            options = spec.get("buttons") if spec.get("type") == "actions" else spec.get("options")
            f = Field(
                name=name,
                label=str(spec.get("label", "")),
                type=str(spec.get("type", "text")),
                options=tuple(str(o.get("label", "")) for o in options or []),
                multiple=spec.get("type") == "checkbox" or bool(spec.get("multiple")),
                spec=spec,
            )
            wire, _uploads = encode_field(f, value)
        self.pins[name] = (widget, wire)
        widget.send_event("pin_change", None, {"name": name, "value": wire})
        return True

    # ------------------------------------------------------------ failures
    def fail(self, message: str) -> None:
        """Record the run's failure (the first one wins) and stop the kernel's wait."""
        if self.failure is None:
            self.failure = NotebookTestError(message)
            self.interrupt()

    def _watch_stall(self) -> None:
        """A question waits while the next step cannot run: fail if nothing changes."""
        if self._stall is not None:
            self._stall.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        snapshot = (len(self.log), len(self.steps))

        def check() -> None:
            if self.failure is None and (len(self.log), len(self.steps)) == snapshot:
                waiting = self._waiting()
                if waiting is not None and self.steps:
                    self.fail(
                        f"{self.pending[waiting][1].describe()} waits for an answer, but the "
                        f"next step {self.steps[0]!r} cannot run (nothing it needs is shown) "
                        f"after {self.stall_timeout:g} s"
                    )

        self._stall = loop.call_later(self.stall_timeout, check)

    def widget_class(self) -> type:
        """The class to register as ``widget_registry["anywidget"]["AnyModel"]``."""
        frontend = self

        class Widget(ScriptedWidget):
            def __init__(
                self, comm_id: str, state: dict[str, Any], kernel_client: Any, executor: Any
            ) -> None:
                super().__init__(frontend, comm_id, state, kernel_client)

        return Widget


def _keys_hint(request: Request) -> str:
    if request.kind == "eval_js":
        return f"key {request.label!r} nor 'eval_js'"
    keys = [k for f in request.fields for k in (f.label, f.name) if k]
    return "key " + " or ".join(repr(k) for k in keys)


class ScriptedWidget:
    """One cell root as the scripted frontend shows it."""

    def __init__(
        self, frontend: ScriptedFrontend, comm_id: str, state: dict[str, Any], kernel_client: Any
    ) -> None:
        self.frontend = frontend
        self.comm_id = comm_id
        self.state = state
        self.kernel_client = kernel_client
        self.received: list[dict[str, Any]] = []
        self.pin_specs: dict[str, dict[str, Any]] = {}
        frontend.widgets.append(self)

    @property
    def root_id(self) -> str:
        return str(self.state.get("root_id", self.comm_id))

    def send_event(self, name: str, task_id: str | None, data: Any, buffers: Any = None) -> None:
        event = {"event": name, "task_id": task_id, "data": data}
        self.frontend.send(self.kernel_client, self.comm_id, event, buffers)

    def handle_msg(self, msg: dict[str, Any]) -> None:
        data = msg["content"].get("data", {})
        if data.get("method") != "custom":
            return
        for command in commands_of(data["content"]):
            self.received.append(command)
            if command.get("command") == "output":
                _collect_pin_specs(command.get("spec"), self.pin_specs)
            self.frontend.received(self, command)
        self.frontend.advance()


def _collect_texts(spec: Any, out: list[str]) -> None:
    if isinstance(spec, dict):
        if isinstance(spec.get("content"), str):
            out.append(spec["content"])
        for key in ("contents", "data"):
            value = spec.get(key)
            if isinstance(value, list):
                for item in value:
                    _collect_texts(item, out)
    elif isinstance(spec, list):
        for item in spec:
            _collect_texts(item, out)
    elif isinstance(spec, str):
        out.append(spec)


def _collect_buttons(widget: Any, spec: Any, found: list[Any]) -> None:
    if isinstance(spec, dict):
        if spec.get("type") == "buttons":
            for button in spec.get("buttons", []):
                found.append(
                    (widget, str(button.get("label")), spec["callback_id"], button["value"])
                )
        for value in spec.values():
            if isinstance(value, (dict, list)):
                _collect_buttons(widget, value, found)
    elif isinstance(spec, list):
        for item in spec:
            _collect_buttons(widget, item, found)


def _collect_pin_specs(spec: Any, out: dict[str, dict[str, Any]]) -> None:
    if isinstance(spec, dict):
        if spec.get("type") == "pin" and isinstance(spec.get("input"), dict):
            out[str(spec["input"].get("name"))] = spec["input"]
        for value in spec.values():
            if isinstance(value, (dict, list)):
                _collect_pin_specs(value, out)
    elif isinstance(spec, list):
        for item in spec:
            _collect_pin_specs(item, out)


def _collect_pins(widget: ScriptedWidget, spec: Any, pins: dict[str, Any]) -> None:
    found: dict[str, dict[str, Any]] = {}
    _collect_pin_specs(spec, found)
    for name, item in found.items():
        pins[name] = (widget, item.get("value"))
