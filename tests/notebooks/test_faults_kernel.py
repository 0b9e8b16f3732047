"""Faults in a real kernel (ipykernel 7 and 6.29): an interrupt while a cell waits.

A cell blocked in ``input``, ``eval_js`` or ``pin_wait_change`` is interrupted:
the cell ends with ``KeyboardInterrupt`` raised from inside the wait (its
traceback goes through pywebio_nb), a late answer to the interrupted request
changes nothing, and the next cell can wait for the same kind of answer and
gets it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from _pin_frontend import change_pin
from kernel_driver import KernelDriver

ANSI = re.compile(r"\x1b\[[0-9;]*m")

SETUP = (
    "from pywebio_nb.input import input\n"
    "from pywebio_nb.output import put_text\n"
    "from pywebio_nb.pin import put_input, pin_wait_change\n"
    "from pywebio_nb.session import eval_js\n"
    "put_input('q')\n"
)

#: kind -> (the blocking call, the command that shows the wait, or None when it sends none)
WAITS: dict[str, tuple[str, str | None]] = {
    "input": ("input('name')", "input_group"),
    "eval_js": ("eval_js('1 + 1')", "run_script"),
    "pin_wait_change": ("pin_wait_change('q')['value']", None),
}


def run_ok(driver: KernelDriver, code: str) -> None:
    reply = driver.reply(driver.execute(code))
    assert reply["status"] == "ok", reply


def printed(driver: KernelDriver, text: str) -> None:
    driver.pump_until(
        lambda: any(
            o["msg_type"] == "stream" and text in o["content"]["text"] for o in driver.outputs
        )
    )


def requests(driver: KernelDriver, name: str) -> list[tuple[str, dict[str, Any]]]:
    return [(cid, c) for cid, cs in driver.commands.items() for c in cs if c["command"] == name]


def answer(
    driver: KernelDriver, kind: str, comm_id: str, request: dict[str, Any], value: str
) -> None:
    if kind == "input":
        data: Any = {"data": value}
        driver.send_event(
            comm_id, {"event": "from_submit", "task_id": request["task_id"], "data": data}
        )
    else:
        driver.send_event(
            comm_id, {"event": "js_yield", "task_id": request["task_id"], "data": value}
        )


def wait_started(driver: KernelDriver, kind: str, count: int) -> tuple[str, dict[str, Any]] | None:
    """The request of the ``count``-th wait of ``kind`` (None for pin_wait_change)."""
    command = WAITS[kind][1]
    if command is None:
        # pin_wait_change sends nothing: the cell says it is about to wait. Not flushed:
        # the IOPub thread sends it later, while the cell is in the wait (an interrupt
        # in a flushing print would be raised from zmq, not from the wait).
        printed(driver, f"waiting {count}")
        return None
    found: tuple[str, dict[str, Any]] = driver.pump_until(
        lambda: (shown := requests(driver, command))[count:] and shown[count]
    )
    return found


def kernel_runs_again(driver: KernelDriver) -> None:
    # ipykernel aborts requests that arrive right after an error: wait until one runs.
    statuses = []
    for _ in range(20):
        statuses.append(driver.reply(driver.execute("pass"))["status"])
        if statuses[-1] == "ok":
            return
    raise AssertionError(f"the kernel never ran a cell again: {statuses}")


@pytest.mark.parametrize("kind", list(WAITS))
def test_an_interrupted_wait_ends_cleanly_and_the_next_cell_works(
    driver: KernelDriver, kind: str
) -> None:
    call = WAITS[kind][0]
    run_ok(driver, SETUP)
    cell = driver.execute(f"print('waiting 0')\nx = {call}\nprint('never')")
    first = wait_started(driver, kind, 0)
    driver.km.interrupt_kernel()
    reply = driver.reply(cell)
    assert (reply["status"], reply.get("ename")) == ("error", "KeyboardInterrupt"), reply
    trace = ANSI.sub("", "\n".join(reply.get("traceback", [])))
    # raised inside the wait, not before or after it
    assert "pywebio_nb" in trace, trace
    if kind == "input":
        assert first is not None
        driver.pump_until(
            lambda: any(
                c["task_id"] == first[1]["task_id"] for _, c in requests(driver, "destroy_form")
            )
        )
    kernel_runs_again(driver)
    if first is not None:
        answer(driver, kind, first[0], first[1], "stale")  # a late answer: dropped
    again = driver.execute(f"print('waiting 1')\ny = {call}\nprint('got', y)")
    second = wait_started(driver, kind, 1)
    if second is None:
        change_pin(driver, "q", "fresh")
    else:
        assert second[1]["task_id"] != first[1]["task_id"]  # type: ignore[index]
        answer(driver, kind, second[0], second[1], "fresh")
    assert driver.reply(again)["status"] == "ok"
    printed(driver, "got fresh")
    assert not any(
        o["msg_type"] == "stream" and "never" in o["content"]["text"] for o in driver.outputs
    )
