"""pywebio_nb.pin in a real kernel: values kept across cells, an interruptible
pin_wait_change loop, and the manual's markdown previewer as a notebook."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import Any

import pytest
from _pin_frontend import change_pin, run_notebook_with_pins
from kernel_driver import KernelDriver

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"


@pytest.fixture(params=["python3", "ipykernel6"])
def driver(request: pytest.FixtureRequest) -> Iterator[KernelDriver]:
    name = request.getfixturevalue("ipykernel6") if request.param == "ipykernel6" else "python3"
    d = KernelDriver(name)
    try:
        yield d
    finally:
        d.close()


def run_ok(driver: KernelDriver, code: str) -> None:
    reply = driver.reply(driver.execute(code))
    assert reply["status"] == "ok", reply


def printed(driver: KernelDriver, text: str) -> None:
    driver.pump_until(
        lambda: any(
            o["msg_type"] == "stream" and text in o["content"]["text"] for o in driver.outputs
        )
    )


def all_commands(driver: KernelDriver, name: str) -> list[dict[str, Any]]:
    return [c for cs in driver.commands.values() for c in cs if c["command"] == name]


def test_values_are_readable_from_a_later_cell_without_a_round_trip(
    driver: KernelDriver,
) -> None:
    run_ok(
        driver,
        "from pywebio_nb.pin import *\n"
        "put_input('name', value='start')\n"
        "put_select('pick', options=[('one', {'id': 1}), ('two', {'id': 2})])",
    )
    change_pin(driver, "name", "typed in the browser")
    change_pin(driver, "pick", 1)
    run_ok(driver, "print('values:', pin.name, pin['pick'])")
    printed(driver, "values: typed in the browser {'id': 2}")
    assert all_commands(driver, "pin_value") == []
    # set from Python in a later cell: the widget's root gets the update
    run_ok(driver, "pin.name = 'from python'\nprint('now:', pin.name)")
    printed(driver, "now: from python")
    driver.pump_until(lambda: all_commands(driver, "pin_update"))
    (update,) = all_commands(driver, "pin_update")
    assert update["spec"] == {"name": "name", "attributes": {"value": "from python"}}


def test_a_pin_wait_change_loop_is_interruptible(driver: KernelDriver) -> None:
    run_ok(driver, "from pywebio_nb.pin import *\nfrom pywebio_nb.output import *\nput_input('q')")
    loop = driver.execute(
        "while True:\n    changed = pin_wait_change('q')\n    put_text('got ' + changed['value'])"
    )
    change_pin(driver, "q", "first")
    driver.pump_until(
        lambda: any(c["spec"].get("content") == "got first" for c in all_commands(driver, "output"))
    )
    change_pin(driver, "q", "second")
    driver.pump_until(
        lambda: any(
            c["spec"].get("content") == "got second" for c in all_commands(driver, "output")
        )
    )
    driver.km.interrupt_kernel()
    reply = driver.reply(loop)
    assert (reply["status"], reply.get("ename")) == ("error", "KeyboardInterrupt")
    # ipykernel aborts requests right after an error: wait until one runs again
    statuses = []
    for _ in range(20):
        statuses.append(driver.reply(driver.execute("pass"))["status"])
        if statuses[-1] == "ok":
            break
    assert statuses[-1] == "ok", statuses
    # the kernel stays usable: the pin keeps its last value, and a new wait works
    run_ok(driver, "print('kept:', pin.q)")
    printed(driver, "kept: second")
    again = driver.execute("print('again:', pin_wait_change('q', timeout=30)['value'])")
    change_pin(driver, "q", "third")
    assert driver.reply(again)["status"] == "ok"
    printed(driver, "again: third")


@pytest.mark.parametrize("kernel", ["python3", "ipykernel6"])
def test_markdown_previewer_notebook(kernel: str, request: pytest.FixtureRequest) -> None:
    kernel_name = request.getfixturevalue("ipykernel6") if kernel == "ipykernel6" else kernel
    steps = [
        ("pin", ("md_text", "# Hello")),
        ("expect", "# Hello"),
        ("pin", ("md_text", "# Hello *pin*")),
        ("expect", "# Hello *pin*"),
        ("pin", ("control", 0)),
    ]
    nb, script = run_notebook_with_pins(
        str(NOTEBOOKS / "pin_markdown_previewer.ipynb"), steps, kernel_name=kernel_name
    )
    assert not script.steps
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors == []
    previews = [t for t in script.texts() if t.startswith("# Hello")]
    assert previews == ["# Hello", "# Hello *pin*"]
    (last,) = [o for o in nb.cells[-1].outputs if o["output_type"] == "stream"]
    assert last["text"] == "13 characters written; control = 'stop'\n"
