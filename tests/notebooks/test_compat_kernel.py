"""``import pywebio`` apps unchanged, in a notebook: after ``pywebio_nb.compat.install()``
in a cell, the manual's BMI, a pin app, a battery app and a coroutine app written against
``pywebio`` run in later cells of a real kernel (a minimal frontend answers them) and as
a saved notebook under nbclient; ``install()`` refuses in a kernel where a (fake) real
``pywebio`` is importable; a logbox shown in one cell gets appends from later cells."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kernel_driver import KernelDriver

from tests import _compat_apps as apps


@pytest.fixture(scope="module", params=["python3", "ipykernel6"])
def kernel(request: pytest.FixtureRequest) -> Iterator[KernelDriver]:
    """One kernel per variant (ipykernel 7 from this venv, 6.29 from .venv-ipk6)."""
    name = request.getfixturevalue("ipykernel6") if request.param == "ipykernel6" else "python3"
    driver = KernelDriver(name)
    try:
        ok(driver, "import pywebio_nb.compat\npywebio_nb.compat.install()")
        yield driver
    finally:
        driver.close()


def ok(driver: KernelDriver, code: str) -> None:
    reply = driver.reply(driver.execute(code))
    assert reply["status"] == "ok", reply


def every(driver: KernelDriver, name: str) -> list[tuple[str, dict[str, Any]]]:
    return [(comm, c) for comm, cs in driver.commands.items() for c in cs if c["command"] == name]


def nth(driver: KernelDriver, name: str, count: int) -> tuple[str, dict[str, Any]]:
    """The ``count``-th ``name`` command any cell root received (waits for it)."""
    found: tuple[str, dict[str, Any]] = driver.pump_until(
        lambda: every(driver, name)[count - 1] if len(every(driver, name)) >= count else None
    )
    return found


def shown(driver: KernelDriver, text: str) -> None:
    outputs = lambda: every(driver, "output")  # noqa: E731
    driver.pump_until(lambda: any(c["spec"].get("content") == text for _, c in outputs()))


def send(driver: KernelDriver, comm: str, event: str, task_id: str | None, data: Any) -> None:
    driver.send_event(comm, {"event": event, "task_id": task_id, "data": data})


def test_bmi(kernel: KernelDriver) -> None:
    ok(kernel, apps.BMI)
    forms = len(every(kernel, "input_group"))
    cell = kernel.execute("bmi()")
    for index, answer in enumerate(apps.BMI_ANSWERS, start=1):
        comm, form = nth(kernel, "input_group", forms + index)
        send(kernel, comm, "from_submit", form["task_id"], {"data": answer})
    assert kernel.reply(cell)["status"] == "ok"
    shown(kernel, apps.BMI_TEXT)


def test_pin_app(kernel: KernelDriver) -> None:
    ok(kernel, apps.PIN)
    cell = kernel.execute("pin_app()")
    comm = kernel.pump_until(
        lambda: next((m for m, c in every(kernel, "output") if "'name': 'b'" in repr(c)), None)
    )
    name, value = apps.PIN_CHANGE
    send(kernel, comm, "pin_change", None, {"name": name, "value": value})
    assert kernel.reply(cell)["status"] == "ok"
    shown(kernel, apps.PIN_TEXT)


def test_battery_app(kernel: KernelDriver) -> None:
    ok(kernel, apps.BATTERY)
    popups = len(every(kernel, "popup"))
    cell = kernel.execute("battery_app()")
    comm, popup = nth(kernel, "popup", popups + 1)
    actions = popup["spec"]["content"][-1]["input"]["name"]
    send(kernel, comm, "pin_change", None, {"name": actions, "value": 0})
    assert kernel.reply(cell)["status"] == "ok"
    shown(kernel, apps.BATTERY_TEXT)
    shown(kernel, "printed")
    log = [c["spec"]["text"] for m, c in every(kernel, "logbox") if m == comm]
    assert "".join(log) == apps.BATTERY_LOG


def test_coroutine_app(kernel: KernelDriver) -> None:
    ok(kernel, apps.COROUTINE)
    forms = len(every(kernel, "input_group"))
    cell = kernel.execute("await coro_app()")
    comm, form = nth(kernel, "input_group", forms + 1)
    send(kernel, comm, "from_submit", form["task_id"], {"data": apps.COROUTINE_ANSWER})
    assert kernel.reply(cell)["status"] == "ok"
    shown(kernel, apps.COROUTINE_TEXT)


def test_a_notebook_of_pywebio_apps_runs_under_nbclient(tmp_path: Path) -> None:
    """The same apps as a saved notebook run top to bottom (nbclient + scripted frontend)."""
    import nbformat
    from scripted_frontend import run_notebook

    cells = [
        "import pywebio_nb.compat\npywebio_nb.compat.install()",
        apps.BMI,
        "bmi()",
        apps.COROUTINE,
        "await coro_app()",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    path = tmp_path / "pywebio_apps.ipynb"
    nbformat.write(notebook, path)
    answers = [*apps.BMI_ANSWERS, apps.COROUTINE_ANSWER]
    nb, script = run_notebook(str(path), [("submit", {"data": a}) for a in answers])
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors == []
    assert script.texts() == [apps.BMI_TEXT, apps.COROUTINE_TEXT]
    assert not script.steps


def test_refused_in_a_kernel_with_a_real_pywebio(tmp_path: Path) -> None:
    (tmp_path / "pywebio").mkdir()
    (tmp_path / "pywebio" / "__init__.py").write_text("")
    driver = KernelDriver("python3")
    try:
        reply = driver.reply(
            driver.execute(
                f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n"
                "import pywebio_nb.compat\npywebio_nb.compat.install()"
            )
        )
        assert (reply["status"], reply["ename"]) == ("error", "RealPyWebIOInstalled")
        assert "real 'pywebio' package is installed" in reply["evalue"]
    finally:
        driver.close()


def test_logbox_appends_from_a_later_cell_reach_the_cell_that_shows_it(
    kernel: KernelDriver,
) -> None:
    ok(kernel, "from pywebio_battery import put_logbox, logbox_append\nput_logbox('cells')")
    box = 'data-logbox="cells"'
    shown_in = kernel.pump_until(
        lambda: next((m for m, c in every(kernel, "output") if box in repr(c)), None)
    )
    ok(kernel, "for i in range(500):\n    logbox_append('cells', f'{i}\\n')")
    expected = "".join(f"{i}\n" for i in range(500))
    appends = lambda: [(m, c) for m, c in every(kernel, "logbox") if c["spec"]["name"] == "cells"]  # noqa: E731
    kernel.pump_until(lambda: "".join(c["spec"]["text"] for _, c in appends()) == expected)
    assert {m for m, _ in appends()} == {shown_in}


def test_redirect_stdout_in_a_cell_takes_its_threads_prints_too(kernel: KernelDriver) -> None:
    ok(
        kernel,
        "import threading\n"
        "from pywebio_battery import redirect_stdout\n"
        "with redirect_stdout():\n"
        "    worker = threading.Thread(target=lambda: print('from the thread', end=''))\n"
        "    worker.start()\n"
        "    worker.join()\n"
        "print('after the block')",
    )
    shown(kernel, "from the thread")
    kernel.pump_until(
        lambda: any(
            o["msg_type"] == "stream" and "after the block" in o["content"]["text"]
            for o in kernel.outputs
        )
    )
    assert not any(
        o["msg_type"] == "stream" and "from the thread" in o["content"]["text"]
        for o in kernel.outputs
    )
