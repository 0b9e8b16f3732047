"""The public scripted frontend (``pywebio_nb.testing``) driven by the tests' own steps.

``pywebio_nb.testing.ScriptedFrontend`` does what a browser does for nbclient:
one widget per cell root, the ``ping`` handshake, the questions pending, pin
values, what was shown, the events sent on a kernel connection of its own and
an nbclient client that follows comm messages between cells. The tests here
script it at the wire level instead of with a user's answers. A
:class:`Script` is a list of steps performed in order as the page allows —

* ``("submit", data)``: answer the next pending form with ``from_submit``
  carrying ``data`` as the renderer would send it (or ``data(spec)`` when it
  is a function of the form's spec);
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

from pywebio_nb.testing import _frontend as public
from pywebio_nb.testing._runner import _client_class

Step = tuple[str, Any]


class Script(public.ScriptedFrontend):
    """The scripted frontend performing :data:`Step` s (see the module docstring)."""

    def __init__(self, steps: list[Step]) -> None:
        super().__init__(list(steps))
        self.pong_count = 0
        self.elapsed = 0.0

    def received(self, widget: public.ScriptedWidget, command: dict[str, Any]) -> None:
        if command.get("command") == "ping":
            self.pong_count += 1
        super().received(widget, command)

    def texts(self, widget: public.ScriptedWidget | None = None) -> list[str]:
        """The texts shown, root by root (of one cell root's widget when given)."""
        out: list[str] = []
        for shown in [widget] if widget is not None else self.widgets:
            for command in shown.received:
                if command.get("command") == "output":
                    public._collect_texts(command.get("spec"), out)
        return out

    def buttons(self) -> list[tuple[Any, str, Any]]:  # type: ignore[override]
        """(widget, label, (callback id, value)) of every button shown, in order."""
        return [(w, label, (cid, value)) for w, label, cid, value in super().buttons()]

    def pending_forms(self) -> list[tuple[public.ScriptedWidget, dict[str, Any]]]:
        """Forms shown and not answered yet (an answer refused by validation counts again)."""
        return [
            (widget, command)
            for task_id, (widget, request, command) in self.pending.items()
            if request.kind == "form" and task_id not in self.answered
        ]

    def advance(self) -> None:
        while self.steps:
            kind, arg = self.steps[0]
            if kind == "submit":
                ready = self.pending_forms()
                if not ready:
                    return
                widget, form = ready[0]
                data = arg(form["spec"]) if callable(arg) else arg
                self.answered[str(form["task_id"])] = data
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


def widget_class(script: Script) -> type:
    """The class to register as ``widget_registry["anywidget"]["AnyModel"]``."""

    class Bound(ScriptedWidget):
        pass

    Bound.script = script
    return Bound


class ScriptedWidget(public.ScriptedWidget):
    """One cell root, made by nbclient; ``script`` is set by :func:`widget_class`."""

    script: Script

    def __init__(
        self, comm_id: str, state: dict[str, Any], kernel_client: Any, executor: Any
    ) -> None:
        super().__init__(self.script, comm_id, state, kernel_client)


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

    nb = nbformat.read(path, as_version=4)
    script = Script(steps or [])  # looked up here: tests swap in a subclass
    client = _client_class()(
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
    script.elapsed = time.monotonic() - started
    return nb, script
