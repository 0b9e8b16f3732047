"""pywebio_nb.pin in a real kernel (ipykernel 7 and 6.29): the manual's pin examples
cell by cell, values kept across cells, an interruptible pin_wait_change loop, and the
manual's markdown previewer as a notebook run by nbclient with a scripted frontend."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from _pin_frontend import change_pin, pin_root, run_notebook_with_pins
from kernel_driver import KernelDriver

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"


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


def texts(driver: KernelDriver) -> list[str]:
    return [
        c["spec"]["content"]
        for c in all_commands(driver, "output")
        if isinstance(c["spec"].get("content"), str)
    ]


def shown_text(driver: KernelDriver, text: str) -> None:
    driver.pump_until(lambda: text in texts(driver))


def click(driver: KernelDriver, label: str) -> None:
    for comm_id, commands in driver.commands.items():
        for command in commands:
            spec = command["spec"] if command["command"] == "output" else {}
            if spec.get("type") == "buttons":
                for button in spec["buttons"]:
                    if button["label"] == label:
                        event = {"event": "callback", "task_id": spec["callback_id"]}
                        driver.send_event(comm_id, {**event, "data": button["value"]})
                        return
    raise AssertionError(f"no button {label!r}")


def widgets_example(driver: KernelDriver) -> None:
    run_ok(
        driver,
        "put_row([put_input('input'), put_select('select', options=['A', 'B', 'C'])])\n"
        "with use_scope('search-area'):\n"
        "    put_input('search', placeholder='Search')",
    )
    change_pin(driver, "select", 2)
    change_pin(driver, "search", "query")
    run_ok(driver, "put_text(f'{pin.input!r} {pin.select!r} {pin.search!r}')")
    shown_text(driver, "'' 'C' 'query'")


def button_example(driver: KernelDriver) -> None:
    run_ok(
        driver,
        "put_input('pin_name')\nput_buttons(['Get Pin Value'], lambda _: put_text(pin.pin_name))",
    )
    change_pin(driver, "pin_name", "typed")
    click(driver, "Get Pin Value")
    shown_text(driver, "typed")
    assert pin_root(driver, "pin_name") is not None


def counter_example(driver: KernelDriver) -> None:
    run_ok(
        driver,
        "put_input('counter', type='number', value=0)\n"
        "for _ in range(3):\n"
        "    pin.counter = pin.counter + 1  # Equivalent to: pin['counter'] = pin['counter'] + 1",
    )
    run_ok(driver, "put_text(f'counter={pin.counter}')")
    shown_text(driver, "counter=3")


def wait_example(driver: KernelDriver) -> None:
    run_ok(driver, "put_input('a', type='number', value=0)\nput_input('b', type='number', value=0)")
    loop = driver.execute(
        "for _ in range(2):\n"
        "    changed = pin_wait_change('a', 'b')\n"
        "    with use_scope('res', clear=True):\n"
        "        put_code(changed)\n"
        "        put_text('a + b = %s' % (pin.a + pin.b))"
    )
    change_pin(driver, "a", "2")
    shown_text(driver, "a + b = 2")
    change_pin(driver, "b", "40")
    assert driver.reply(loop)["status"] == "ok"
    shown_text(driver, "a + b = 42")


def on_change_example(driver: KernelDriver) -> None:
    run_ok(
        driver,
        "put_slider('s', value=1)\n"
        "pin_on_change('s', lambda v: put_text(f'changed to {v}'), init_run=True)",
    )
    shown_text(driver, "changed to 1")
    change_pin(driver, "s", 7)
    shown_text(driver, "changed to 7")
    run_ok(driver, "pin_on_change('s', clear=True)\npin_update('s', label='Level')")
    update = driver.pump_until(lambda: all_commands(driver, "pin_update"))[-1]
    assert update["spec"] == {"name": "s", "attributes": {"label": "Level"}}


KERNEL_EXAMPLES = [
    widgets_example,
    button_example,
    counter_example,
    wait_example,
    on_change_example,
]


@pytest.mark.parametrize("example", KERNEL_EXAMPLES, ids=[e.__name__ for e in KERNEL_EXAMPLES])
def test_manual_pin_examples_in_a_kernel(driver: KernelDriver, example: Any) -> None:
    run_ok(
        driver,
        "from pywebio_nb.pin import *\n"
        "from pywebio_nb.output import put_buttons, put_code, put_row, put_text, use_scope",
    )
    example(driver)
    # reading known values never asked the browser
    assert all_commands(driver, "pin_value") == []


def test_a_change_typed_while_the_cell_computes_is_read_in_that_cell(
    driver: KernelDriver,
) -> None:
    """The kernel handles widget messages between cells; a read in a busy cell first
    takes the messages queued meanwhile, so it sees what the user typed."""
    run_ok(driver, "from pywebio_nb.pin import *\nimport time")
    busy = driver.execute(
        "put_input('late')\n"
        "deadline = time.monotonic() + 20\n"
        "while pin.late == '' and time.monotonic() < deadline:\n"
        "    time.sleep(0.02)  # the cell computes; the user types meanwhile\n"
        "print('saw', repr(pin.late))"
    )
    change_pin(driver, "late", "typed meanwhile")
    assert driver.reply(busy)["status"] == "ok"
    printed(driver, "saw 'typed meanwhile'")
    assert all_commands(driver, "pin_value") == []


def test_a_widget_output_again_in_a_later_cell_expires_the_older_one(
    driver: KernelDriver,
) -> None:
    run_ok(driver, "from pywebio_nb.pin import *\nput_input('x', value='first cell')")
    first = driver.pump_until(lambda: pin_root(driver, "x"))
    run_ok(driver, "put_input('x', value='later cell')")
    driver.pump_until(lambda: len([c for c, cs in driver.commands.items() if cs]) >= 2)
    # the older widget's root is told to expire it; the new one is in another root
    expired = driver.pump_until(
        lambda: [c for c in driver.commands[first] if c["command"] == "pin_update"]
    )
    assert expired[0]["spec"] == {"name": "x", "attributes": {"expired": True}}
    assert pin_root(driver, "x") is not None
    run_ok(driver, "print('now:', pin.x)")
    printed(driver, "now: later cell")
