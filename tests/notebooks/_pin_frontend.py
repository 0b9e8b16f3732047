"""Pin steps for the scripted notebook frontend, and kernel-driver helpers for pins.

``("pin", (name, value))`` changes the pin widget ``name`` as a user would: the
widget that shows it sends a ``pin_change`` event (what the renderer sends on
every change). Runs with :func:`run_notebook_with_pins`.
"""

from __future__ import annotations

from typing import Any

import scripted_frontend
from kernel_driver import KernelDriver


def _pin_names(spec: Any, out: set[str]) -> None:
    if isinstance(spec, dict):
        if spec.get("type") == "pin" and isinstance(spec.get("input"), dict):
            out.add(spec["input"]["name"])
        for value in spec.values():
            _pin_names(value, out)
    elif isinstance(spec, list):
        for value in spec:
            _pin_names(value, out)


def shown_pins(commands: list[dict[str, Any]]) -> set[str]:
    names: set[str] = set()
    for command in commands:
        if command["command"] == "output":
            _pin_names(command["spec"], names)
    return names


class PinScript(scripted_frontend.Script):
    """A script that also knows the ``("pin", (name, value))`` step."""

    def advance(self) -> None:
        while self.steps:
            kind, arg = self.steps[0]
            if kind != "pin":
                # the base script runs the steps before the next pin step
                cut = next((i for i, (k, _) in enumerate(self.steps) if k == "pin"), None)
                rest = self.steps[cut:] if cut is not None else []
                self.steps = self.steps[:cut] if cut is not None else self.steps
                super().advance()
                blocked = bool(self.steps)
                self.steps = self.steps + rest
                if blocked:
                    return
                continue
            name, value = arg
            widgets = [w for w in self.widgets if name in shown_pins(w.received)]
            if not widgets:
                return
            widgets[-1].send_event("pin_change", None, {"name": name, "value": value})
            self.steps.pop(0)


def run_notebook_with_pins(path: str, steps: list[Any], **kwargs: Any) -> tuple[Any, Any]:
    """``scripted_frontend.run_notebook`` whose script knows pin steps."""
    original = scripted_frontend.Script
    scripted_frontend.Script = PinScript  # type: ignore[misc]  # looked up by run_notebook
    try:
        return scripted_frontend.run_notebook(path, steps, **kwargs)
    finally:
        scripted_frontend.Script = original  # type: ignore[misc]


def pin_root(driver: KernelDriver, name: str) -> str | None:
    """The comm id of the cell root that shows pin ``name``."""
    for comm_id, commands in driver.commands.items():
        if name in shown_pins(commands):
            return comm_id
    return None


def change_pin(driver: KernelDriver, name: str, value: Any) -> None:
    comm_id = driver.pump_until(lambda: pin_root(driver, name))
    driver.send_event(
        comm_id, {"event": "pin_change", "task_id": None, "data": {"name": name, "value": value}}
    )
