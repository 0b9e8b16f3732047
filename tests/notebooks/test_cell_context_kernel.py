"""Context follows the code (issue 8, item 3), in real kernels (ipykernel 7 and 6.29).

A callback writes into the cell that created its button, a ``pin_on_change`` callback
into the cell of its registration, a ``threading.Thread`` started in a cell into that
cell, also after the cell ended (even when the cell itself showed nothing); re-running
a cell (same ``cellId``, as JupyterLab sends) replaces its root and drops its callbacks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from kernel_driver import KernelDriver


class CellDriver(KernelDriver):
    """Also records comm closes and each comm's display parent (the cell it shows in)."""

    def __init__(self, kernel_name: str = "python3") -> None:
        super().__init__(kernel_name)
        self.closed: set[str] = set()

    def _handle(self, msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "comm_close":
            self.closed.add(msg["content"]["comm_id"])
        super()._handle(msg)

    def run(self, code: str, cell_id: str | None = None) -> str:
        """Execute ``code`` (as cell ``cell_id``, like JupyterLab); returns the msg_id."""
        metadata = {"cellId": cell_id} if cell_id else {}
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        msg = self.kc.session.msg("execute_request", content, metadata=metadata)
        self.kc.shell_channel.send(msg)
        msg_id: str = msg["header"]["msg_id"]
        reply = self.reply(msg_id)
        assert reply["status"] == "ok", reply
        return msg_id

    def texts(self, comm_id: str) -> list[str]:
        return [
            c["spec"]["content"]
            for c in self.commands.get(comm_id, [])
            if c["command"] == "output" and c["spec"].get("type") == "text"
        ]

    def comm_showing(self, text: str) -> str | None:
        return next((c for c in self.commands if text in self.texts(c)), None)

    def comm_with(self, output_type: str) -> tuple[str, dict[str, Any]] | None:
        for comm_id, commands in self.commands.items():
            for c in commands:
                if c["command"] == "output" and c["spec"].get("type") == output_type:
                    return comm_id, c["spec"]
        return None

    def display_parent(self, comm_id: str) -> str | None:
        """The msg_id of the request a cell root's display_data answered (its cell)."""
        for msg in self.outputs:
            if msg["msg_type"] != "display_data":
                continue
            model = msg["content"]["data"].get("application/vnd.jupyter.widget-view+json", {})
            if model.get("model_id") == comm_id:
                parent_id: str = msg["parent_header"].get("msg_id", "")
                return parent_id
        return None


@pytest.fixture(params=["python3", "ipykernel6"])
def driver(request: pytest.FixtureRequest) -> Iterator[CellDriver]:
    name = request.getfixturevalue("ipykernel6") if request.param == "ipykernel6" else "python3"
    d = CellDriver(name)
    try:
        yield d
    finally:
        d.close()


def test_callbacks_threads_and_pin_changes_write_into_the_cell_that_made_them(
    driver: CellDriver,
) -> None:
    cell_a = driver.run(
        "import threading\n"
        "go = threading.Event()\n"
        "def work():\n"
        "    go.wait(20)\n"
        "    put_text('from thread')\n"
        # started before this cell's first PyWebIO output (and before the session exists)
        "from pywebio_nb.output import put_text, put_buttons\n"
        "threading.Thread(target=work).start()\n"
        "from pywebio_nb.pin import put_input, pin_on_change\n"
        "put_buttons(['Click'], onclick=lambda _: put_text('clicked'))\n"
        "put_input('pa')\n"
        "pin_on_change('pa', onchange=lambda v: put_text('changed ' + v))\n"
    )
    driver.run("put_text('cell b')")
    driver.run("go.set()")  # a later cell lets the thread go on: cell A has ended
    comm_a, buttons = driver.pump_until(lambda: driver.comm_with("buttons"))
    driver.pump_until(lambda: driver.comm_showing("from thread"))
    driver.send_event(comm_a, {"event": "callback", "task_id": buttons["callback_id"], "data": 0})
    change = {"name": "pa", "value": "x"}
    driver.send_event(comm_a, {"event": "pin_change", "task_id": None, "data": change})
    driver.pump_until(lambda: {"clicked", "changed x"} <= set(driver.texts(comm_a)))
    assert driver.texts(comm_a) == ["from thread", "clicked", "changed x"]
    assert driver.display_parent(comm_a) == cell_a
    assert driver.comm_showing("cell b") != comm_a


def test_a_thread_of_a_cell_that_showed_nothing_gets_its_root_in_that_cell(
    driver: CellDriver,
) -> None:
    driver.run("from pywebio_nb.output import put_text\nput_text('first cell')")
    cell_a = driver.run(
        "import threading\n"
        "go = threading.Event()\n"
        "def work():\n"
        "    go.wait(20)\n"
        "    put_text('late thread output')\n"
        "threading.Thread(target=work).start()\n"
    )
    driver.run("put_text('cell c')")
    driver.run("go.set()")
    comm = driver.pump_until(lambda: driver.comm_showing("late thread output"))
    assert driver.texts(comm) == ["late thread output"]
    driver.pump_until(lambda: driver.display_parent(comm))
    # Its display answers cell A's request, so a frontend shows it in cell A.
    assert driver.display_parent(comm) == cell_a


def test_re_running_a_cell_replaces_its_root_and_drops_its_callbacks(driver: CellDriver) -> None:
    code = (
        "from pywebio_nb.output import put_text, put_buttons\n"
        "run = globals().get('run', 0) + 1\n"
        "put_buttons(['Go'], onclick=lambda _, r=run: put_text(f'run {r} clicked'))\n"
    )
    driver.run(code, cell_id="cell-x")
    old_comm, old = driver.pump_until(lambda: driver.comm_with("buttons"))
    driver.run(code, cell_id="cell-x")
    new_comm, new = driver.pump_until(
        lambda: next(
            (
                (c, cmd["spec"])
                for c, cmds in driver.commands.items()
                if c != old_comm
                for cmd in cmds
                if cmd["command"] == "output" and cmd["spec"]["type"] == "buttons"
            ),
            None,
        )
    )
    driver.pump_until(lambda: old_comm in driver.closed)  # the old widget is closed
    driver.send_event(old_comm, {"event": "callback", "task_id": old["callback_id"], "data": 0})
    driver.send_event(new_comm, {"event": "callback", "task_id": new["callback_id"], "data": 0})
    driver.pump_until(lambda: driver.comm_showing("run 2 clicked"))
    driver.run("put_text('settled')")  # the old click, sent first, was handled before
    assert driver.comm_showing("run 1 clicked") is None
    assert driver.comm_showing("run 2 clicked") == new_comm
    # Another cell's root is left alone.
    driver.run("put_buttons(['Other'], onclick=lambda _: put_text('other clicked'))", "cell-y")
    driver.run(code, cell_id="cell-x")
    other_comm, other = driver.pump_until(
        lambda: next(
            (
                (c, cmd["spec"])
                for c, cmds in driver.commands.items()
                for cmd in cmds
                if cmd["command"] == "output" and "Other" in str(cmd["spec"].get("buttons"))
            ),
            None,
        )
    )
    driver.send_event(other_comm, {"event": "callback", "task_id": other["callback_id"], "data": 0})
    driver.pump_until(lambda: driver.comm_showing("other clicked"))
    assert other_comm not in driver.closed


def test_a_thread_of_a_re_run_cells_old_run_writes_nowhere(driver: CellDriver) -> None:
    code = (
        "import threading\n"
        "from pywebio_nb.output import put_text\n"
        "gate, done = threading.Event(), threading.Event()\n"
        "def late(gate=gate, done=done):\n"
        "    gate.wait(20)\n"
        "    put_text('from the old run')\n"
        "    done.set()\n"
        "threading.Thread(target=late).start()\n"
        "put_text('shown')\n"
    )
    driver.run(code, cell_id="cell-t")
    old_comm = driver.pump_until(lambda: driver.comm_showing("shown"))
    driver.run("old_gate, old_done = gate, done")
    driver.run(code, cell_id="cell-t")  # the re-run retires the old root
    driver.pump_until(lambda: old_comm in driver.closed)
    driver.run(
        "from pywebio_nb.jupyter._kernel_session import kernel_session\n"
        "old_gate.set()\n"
        "assert old_done.wait(20)\n"
        "s = kernel_session()\n"
        "s.flush()\n"
        "assert 'from the old run' not in repr([s.page.snapshot(r) for r in s.page.roots])\n"
        "extra = [r for r in s.page.roots if r not in s.kernel_transport.widgets]\n"
        "assert not extra, repr((extra, list(s.kernel_transport.widgets)))\n"
    )
    assert driver.comm_showing("from the old run") is None
