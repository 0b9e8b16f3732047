"""Popups, context-manager layouts and toasts in a real kernel: each goes to the cell
root it belongs to; one popup per kernel session across cells."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from kernel_driver import KernelDriver


@pytest.fixture
def driver() -> Iterator[KernelDriver]:
    d = KernelDriver("python3")
    try:
        yield d
    finally:
        d.close()


def _run(driver: KernelDriver, code: str) -> None:
    reply = driver.reply(driver.execute(code))
    assert reply["status"] == "ok", reply


def _sent(driver: KernelDriver, name: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (comm_id, c)
        for comm_id, commands in driver.commands.items()
        for c in commands
        if c["command"] == name
    ]


def test_popups_go_to_their_cell_and_one_is_shown_at_a_time(driver: KernelDriver) -> None:
    _run(driver, "from pywebio_nb.output import *\npopup('first', 'a')")  # last expression
    ((cell1, first),) = driver.pump_until(lambda: _sent(driver, "popup"))
    assert first["spec"]["title"] == "first"
    _run(driver, "with popup('second') as s:\n    put_text('inside')")
    driver.pump_until(lambda: len(_sent(driver, "popup")) == 2)
    (cell2, second) = _sent(driver, "popup")[1]
    assert cell2 != cell1
    # the first cell's popup was closed before the second one opened
    assert [comm for comm, _ in _sent(driver, "close_popup")] == [cell1]
    # output into the popup's scope, now and from a later cell, reaches the second cell
    _run(driver, "put_text('later', scope=s)")

    def texts_in_popup() -> list[tuple[str, Any]]:
        scope = "#" + second["spec"]["dom_id"]
        return [
            (comm, c["spec"]["content"])
            for comm, c in _sent(driver, "output")
            if c["spec"].get("scope") == scope
        ]

    assert driver.pump_until(lambda: len(texts_in_popup()) == 2 and texts_in_popup()) == [
        (cell2, "inside"),
        (cell2, "later"),
    ]
    _run(driver, "close_popup()")
    driver.pump_until(lambda: len(_sent(driver, "close_popup")) == 2)
    assert _sent(driver, "close_popup")[1][0] == cell2


def test_collapse_context_manager_and_toast_in_a_cell(driver: KernelDriver) -> None:
    _run(
        driver,
        "from pywebio_nb.output import *\n"
        "with put_collapse('title', open=True) as c:\n"
        "    put_text('in collapse')\n"
        "toast('done', duration=0)",
    )
    driver.pump_until(lambda: _sent(driver, "toast"))
    ((home, collapse), (where, inner)) = [
        (comm, c)
        for comm, c in _sent(driver, "output")
        if c["spec"]["type"] in ("collapse", "text")
    ]
    assert collapse["spec"]["container_dom_id"].startswith("pywebio-scope-")
    assert inner["spec"]["scope"] == "#" + collapse["spec"]["container_dom_id"]
    assert where == home
    ((toast_root, toast),) = _sent(driver, "toast")
    assert toast_root == home and toast["spec"]["duration"] == 0
