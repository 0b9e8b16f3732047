"""Content outputs in a real kernel: a burst of set_processbar in a cell is coalesced
(few comm messages, far under the IOPub rate limit), and the last value arrives."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from kernel_driver import KernelDriver


class CountingDriver(KernelDriver):
    """Counts the widget's custom comm messages (each is one batch)."""

    def __init__(self, kernel_name: str = "python3") -> None:
        super().__init__(kernel_name)
        self.messages = 0

    def _handle(self, msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "comm_msg" and msg["content"]["data"].get("method") == "custom":
            self.messages += 1
        super()._handle(msg)


@pytest.fixture
def driver() -> Iterator[CountingDriver]:
    d = CountingDriver("python3")
    try:
        yield d
    finally:
        d.close()


def _sent(driver: KernelDriver, name: str) -> list[dict[str, Any]]:
    return [c for commands in driver.commands.values() for c in commands if c["command"] == name]


def test_processbar_burst_in_a_cell_is_coalesced(driver: CountingDriver) -> None:
    code = (
        "from pywebio_nb.output import put_processbar, set_processbar, put_text\n"
        "put_processbar('my bar')\n"
        "for i in range(1, 10001):\n"
        "    set_processbar('my bar', i / 10000 * 0.5)\n"
        "put_text('done')\n"
    )
    reply = driver.reply(driver.execute(code), timeout=60)
    assert reply["status"] == "ok", reply

    def done() -> bool:
        return any(c["spec"].get("content") == "done" for c in _sent(driver, "output"))

    driver.pump_until(done, timeout=30)
    updates = _sent(driver, "set_processbar")
    assert updates[-1]["spec"] == {"name": "my bar", "value": 0.5, "label": None}
    # 10,000 calls: only what a flush found buffered went out (one per batch at most).
    assert len(updates) <= driver.messages
    assert driver.messages < 300, driver.messages
