"""A real kernel driven over its protocol: interrupts, inputs from callback threads."""

from __future__ import annotations

from typing import Any

from kernel_driver import KernelDriver

#: The ipykernel major.minor each kernel variant must run.
EXPECTED_IPYKERNEL = {"python3": "7.", "ipykernel6": "6.29."}


def test_each_variant_runs_its_ipykernel(driver: KernelDriver) -> None:
    cell = driver.execute("import ipykernel; print('ipykernel', ipykernel.__version__)")
    assert driver.reply(cell)["status"] == "ok"
    expected = EXPECTED_IPYKERNEL[driver.variant]  # type: ignore[attr-defined]
    driver.pump_until(
        lambda: any(
            o["msg_type"] == "stream" and "ipykernel " in o["content"]["text"]
            for o in driver.outputs
        )
    )
    (printed,) = [o["content"]["text"] for o in driver.outputs if o["msg_type"] == "stream"]
    assert printed.startswith(f"ipykernel {expected}"), printed


def test_replies_are_matched_to_their_request(driver: KernelDriver) -> None:
    """A stray shell reply (here a kernel_info_reply, as wait_for_ready leaves them)
    queued before the reply to ``execute`` must not be taken for it."""
    stray = driver.kc.kernel_info()  # sent, its reply left unread
    failing = driver.execute("1 / 0")
    reply = driver.reply(failing)
    assert (reply["status"], reply.get("ename")) == ("error", "ZeroDivisionError")
    assert driver.reply(stray)["status"] == "ok"


def test_interrupt_removes_form_and_keeps_kernel_usable(driver: KernelDriver) -> None:
    cell = driver.execute("from pywebio_nb.input import input\nx = input('name')")
    comm_id, form = driver.pump_until(lambda: driver.find("input_group"))
    driver.km.interrupt_kernel()
    reply = driver.reply(cell)
    assert reply["status"] == "error"
    assert reply["ename"] == "KeyboardInterrupt"
    driver.pump_until(
        lambda: any(
            c["command"] == "destroy_form" and c["task_id"] == form["task_id"]
            for c in driver.commands[comm_id]
        )
    )
    # ipykernel aborts requests that arrive right after an error (as it does for
    # queued cells after an interrupt): wait until a request runs again.
    statuses = []
    for _ in range(20):
        statuses.append(driver.reply(driver.execute("pass"))["status"])
        if statuses[-1] == "ok":
            break
    assert statuses[-1] == "ok", statuses
    # the kernel still works, and a new input in a later cell works too
    again = driver.execute("y = input('again')")
    comm2, form2 = driver.pump_until(
        lambda: next(
            (
                (cid, c)
                for cid, cs in driver.commands.items()
                for c in cs
                if c["command"] == "input_group" and c["task_id"] != form["task_id"]
            ),
            None,
        )
    )
    driver.send_event(
        comm2, {"event": "from_submit", "task_id": form2["task_id"], "data": {"data": "ok"}}
    )
    assert driver.reply(again)["status"] == "ok"
    assert driver.reply(driver.execute("print(y * 2)"))["status"] == "ok"
    driver.pump_until(
        lambda: any(
            o["msg_type"] == "stream" and "okok" in o["content"]["text"] for o in driver.outputs
        )
    )


def test_input_inside_a_button_callback_after_the_cell_ended(driver: KernelDriver) -> None:
    """A callback thread waits for its form while the kernel is idle."""
    cell = driver.execute(
        "from pywebio_nb.input import input\n"
        "from pywebio_nb.output import put_buttons, put_text\n"
        "put_buttons(['Ask'], onclick=lambda v: put_text('got', input('why?')))"
    )
    assert driver.reply(cell)["status"] == "ok"

    def button() -> tuple[str, dict[str, object]] | None:
        for comm_id, commands in driver.commands.items():
            for command in commands:
                if command["command"] == "output" and command["spec"].get("type") == "buttons":
                    return comm_id, command
        return None

    comm_id, output = driver.pump_until(button)
    driver.send_event(
        comm_id, {"event": "callback", "task_id": output["spec"]["callback_id"], "data": 0}
    )
    form_comm, form = driver.pump_until(lambda: driver.find("input_group"))
    assert form_comm == comm_id  # the form shows in the cell that made the button
    driver.send_event(
        form_comm, {"event": "from_submit", "task_id": form["task_id"], "data": {"data": "because"}}
    )
    driver.pump_until(
        lambda: any(
            c["command"] == "output" and c["spec"].get("content") == "got because"
            for c in driver.commands[comm_id]
        )
    )


def test_a_later_cell_writes_into_a_scope_of_an_earlier_cell(driver: KernelDriver) -> None:
    """Scope names are kernel-wide: output for scope 'log' made in cell 2 goes to the
    cell root of cell 1, which shows that scope."""

    def outputs_with(text: str) -> list[tuple[str, dict[str, Any]]]:
        return [
            (comm_id, c)
            for comm_id, commands in driver.commands.items()
            for c in commands
            if c["command"] == "output" and c["spec"].get("content") == text
        ]

    first = driver.execute(
        "from pywebio_nb.output import put_text, use_scope\n"
        "with use_scope('log'):\n"
        "    put_text('first')"
    )
    assert driver.reply(first)["status"] == "ok"
    ((home, _),) = driver.pump_until(lambda: outputs_with("first"))
    second = driver.execute("put_text('second', scope='log')")
    assert driver.reply(second)["status"] == "ok"
    ((comm_id, command),) = driver.pump_until(lambda: outputs_with("second"))
    assert comm_id == home, "routed to a root that does not show scope 'log'"
    assert command["spec"]["scope"] == "#pywebio-scope-log"
    third = driver.execute("with use_scope('log'):\n    put_text('third')")
    assert driver.reply(third)["status"] == "ok"
    ((comm_id, _),) = driver.pump_until(lambda: outputs_with("third"))
    assert comm_id == home
