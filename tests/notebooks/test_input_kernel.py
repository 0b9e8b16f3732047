"""Every input example of the manual in a real kernel: each runs in its own cell
(the kernel blocks in the cell while the form waits) and a scripted frontend answers
it over the comm, as the anywidget would."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from kernel_driver import KernelDriver

from tests._input_examples import EXAMPLES, PRELUDE, Example, drive


@pytest.fixture(scope="module")
def kernel() -> Iterator[KernelDriver]:
    driver = KernelDriver("python3")
    try:
        cell = driver.execute(PRELUDE)
        assert driver.reply(cell)["status"] == "ok"
        yield driver
    finally:
        driver.close()


class _Cell:
    """The commands of one cell's roots (comms opened after it started), read in order."""

    def __init__(self, driver: KernelDriver) -> None:
        self.driver = driver
        self.before = set(driver.commands)
        self.taken: dict[str, int] = {}
        self.comm_id = ""

    def commands(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (comm_id, command)
            for comm_id, commands in list(self.driver.commands.items())
            if comm_id not in self.before
            for command in commands
        ]

    async def wait(self, name: str) -> dict[str, Any]:
        index = self.taken.get(name, 0)

        def found() -> tuple[str, dict[str, Any]] | None:
            matching = [
                (c, command) for c, command in self.commands() if command["command"] == name
            ]
            return matching[index] if len(matching) > index else None

        self.comm_id, command = self.driver.pump_until(found)
        self.taken[name] = index + 1
        return command

    async def send(self, event: str, task_id: str | None, data: Any) -> None:
        self.driver.send_event(self.comm_id, {"event": event, "task_id": task_id, "data": data})


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_manual_example_in_a_cell(kernel: KernelDriver, example: Example) -> None:
    cell = _Cell(kernel)
    msg_id = kernel.execute(f"print('result:', repr({example.source}))")
    asyncio.run(drive(example, cell.send, cell.wait))
    reply = kernel.reply(msg_id)
    assert reply["status"] == "ok", reply
    expected = f"result: {example.result!r}\n"

    def printed() -> str:
        # The cell's stdout, whole: ipykernel may send one print() in several
        # stream messages (its stream flushes on a timer, between writes).
        return "".join(
            o["content"]["text"]
            for o in kernel.outputs
            if o["msg_type"] == "stream" and o["parent_header"]["msg_id"] == msg_id
        )

    kernel.pump_until(lambda: expected in printed())
    assert printed() == expected
    if "code=" in example.source:
        # The widget bundle has no CodeMirror: the module comes as a blob with the form.
        form = next(c for _, c in cell.commands() if c["command"] == "input_group")
        ref = form["spec"]["inputs"][0]["code_module"]
        blobs = [c for _, c in cell.commands() if c["command"] == "blob"]
        assert any(b["spec"]["id"] == ref["blob"] for b in blobs), blobs
        assert blobs[0]["spec"]["mime"] == "text/javascript"
        assert blobs[0]["spec"]["size"] > 100_000
