"""The same app code in a kernel as on the server: the modes issue 12 lists."""

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


def run_ok(driver: KernelDriver, code: str) -> None:
    reply = driver.reply(driver.execute(code))
    assert reply["status"] == "ok", reply


def stream_text(driver: KernelDriver) -> str:
    return "".join(o["content"]["text"] for o in driver.outputs if o["msg_type"] == "stream")


def test_a_cell_that_raises_leaves_no_pump_traceback(driver: KernelDriver) -> None:
    """ipykernel 7 sends itself a one-part ``stop aborting`` frame after a cell error;
    the pump hands it back without taking it for a Jupyter message (no log)."""
    run_ok(
        driver,
        "from pywebio_nb.output import put_text\nput_text('session')",
    )
    driver.pump_until(lambda: driver.find("output"))
    for _ in range(2):
        failing = driver.reply(driver.execute("1 / 0"))
        assert failing["ename"] == "ZeroDivisionError"
    # ipykernel aborts requests that arrive right after an error: wait until one runs,
    # which also means the marker was read (it is what ends the aborting).
    statuses = []
    for _ in range(50):
        statuses.append(driver.reply(driver.execute("pass"))["status"])
        if statuses[-1] == "ok":
            break
    assert statuses[-1] == "ok", statuses
    # flushing stderr then printing: everything written before is on IOPub before 'end'
    run_ok(driver, "import sys\nsys.stderr.flush()\nprint('end', flush=True)")
    driver.pump_until(lambda: "end\n" in stream_text(driver))
    text = stream_text(driver)
    assert "pump could not read" not in text, text
    assert "DELIM" not in text, text
