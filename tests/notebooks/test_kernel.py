"""A real kernel driven over its protocol: interrupts, inputs from callback threads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kernel_driver import KernelDriver


@pytest.fixture(params=["python3", "ipykernel6"])
def driver(request: pytest.FixtureRequest) -> Iterator[KernelDriver]:
    name = request.getfixturevalue("ipykernel6") if request.param == "ipykernel6" else "python3"
    d = KernelDriver(name)
    try:
        yield d
    finally:
        d.close()


def test_interrupt_removes_form_and_keeps_kernel_usable(driver: KernelDriver) -> None:
    driver.execute("from pywebio_nb.input import input\nx = input('name')")
    comm_id, form = driver.pump_until(lambda: driver.find("input_group"))
    driver.km.interrupt_kernel()
    reply = driver.reply()
    assert reply["status"] == "error"
    assert reply["ename"] == "KeyboardInterrupt"
    driver.pump_until(lambda: any(c["command"] == "destroy_form" and
                                  c["task_id"] == form["task_id"]
                                  for c in driver.commands[comm_id]))
    # ipykernel aborts requests that arrive right after an error (as it does for
    # queued cells after an interrupt): wait until a request runs again.
    statuses = []
    for _ in range(20):
        driver.execute("pass")
        statuses.append(driver.reply()["status"])
        if statuses[-1] == "ok":
            break
    assert statuses[-1] == "ok", statuses
    # the kernel still works, and a new input in a later cell works too
    driver.execute("y = input('again')")
    comm2, form2 = driver.pump_until(
        lambda: next(((cid, c) for cid, cs in driver.commands.items() for c in cs
                      if c["command"] == "input_group" and c["task_id"] != form["task_id"]),
                     None))
    driver.send_event(comm2, {"event": "from_submit", "task_id": form2["task_id"],
                              "data": {"data": "ok"}})
    assert driver.reply()["status"] == "ok"
    driver.execute("print(y * 2)")
    assert driver.reply()["status"] == "ok"
    driver.pump_until(lambda: any(o["msg_type"] == "stream" and "okok" in o["content"]["text"]
                                  for o in driver.outputs))


def test_input_inside_a_button_callback_after_the_cell_ended(driver: KernelDriver) -> None:
    """A callback thread waits for its form while the kernel is idle."""
    driver.execute("from pywebio_nb.input import input\n"
                   "from pywebio_nb.output import put_buttons, put_text\n"
                   "put_buttons(['Ask'], onclick=lambda v: put_text('got', input('why?')))")
    assert driver.reply()["status"] == "ok"

    def button() -> tuple[str, dict[str, object]] | None:
        for comm_id, commands in driver.commands.items():
            for command in commands:
                if command["command"] == "output" and command["spec"].get("type") == "buttons":
                    return comm_id, command
        return None

    comm_id, output = driver.pump_until(button)
    driver.send_event(comm_id, {"event": "callback", "task_id": output["spec"]["callback_id"],
                                "data": 0})
    form_comm, form = driver.pump_until(lambda: driver.find("input_group"))
    assert form_comm == comm_id  # the form shows in the cell that made the button
    driver.send_event(form_comm, {"event": "from_submit", "task_id": form["task_id"],
                                  "data": {"data": "because"}})
    driver.pump_until(lambda: any(c["command"] == "output" and
                                  c["spec"].get("content") == "got because"
                                  for c in driver.commands[comm_id]))
