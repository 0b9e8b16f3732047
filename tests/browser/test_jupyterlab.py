"""pywebio_nb in a real JupyterLab 4.6 (headless Chromium via Playwright).

One JupyterLab server for the module; each test writes its own notebook and opens it in
its own workspace.
"""

from __future__ import annotations

import time
from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    PENDING_FORM,
    JupyterServer,
    assert_no_command_errors,
    cell,
    cell_output_text,
    check_input_roundtrip,
    check_page_errors,
    console_log,
    execute_command,
    execution_counts,
    expect_output_and_no_errors,
    lab_server,
    open_and_run_all,
    open_notebook,
    run_cell,
    wait_for_all_executed,
    wait_for_execution_count,
    wait_for_output_text,
)
from playwright.sync_api import expect


def test_harness_plain_notebook(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    """The harness itself: a plain cell runs and its output shows."""
    t0 = time.monotonic()
    open_and_run_all(page, lab_server, "plain", ['print("hello")', "1 + 1"])
    wait_for_all_executed(page)
    wait_for_output_text(page, 0, "hello")
    wait_for_output_text(page, 1, "2")
    assert cell_output_text(page, 0) == "hello"
    assert cell(page, 1).locator(".jp-OutputArea-output").inner_text().strip() == "2"
    check_page_errors(page)
    print(f"server start {lab_server.startup_seconds:.1f}s, test {time.monotonic() - t0:.1f}s")


def test_input_blocks_cell_until_submitted(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    check_input_roundtrip(page, lab_server)


def test_interrupt_while_input_waits(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook(
        "interrupt",
        [
            "from pywebio_nb.input import input",
            'x = input("name")',
            "1 + 1",
        ],
    )
    open_notebook(page, lab_server.notebook_url(name))
    run_cell(page, 0)
    wait_for_execution_count(page, 0, 1)
    run_cell(page, 1)
    cell(page, 1).locator(".pywebio-form input[name=data]").wait_for(timeout=20_000)
    execute_command(page, "kernelmenu:interrupt")
    wait_for_execution_count(page, 1, 2)
    wait_for_output_text(page, 1, "KeyboardInterrupt")
    expect(cell(page, 1).locator(".pywebio-form")).to_have_count(0)
    run_cell(page, 2)
    wait_for_execution_count(page, 2, 3)
    expect(cell(page, 2).locator(".jp-OutputArea-output")).to_have_text("2")
    assert_no_command_errors(page)
    check_page_errors(page)


def test_callback_writes_into_its_own_cell(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    open_and_run_all(
        page,
        lab_server,
        "callback",
        [
            "from pywebio_nb.output import put_buttons, put_text",
            'put_buttons(["Click me"], onclick=lambda v: put_text("clicked", v))',
            'put_text("last cell")',
        ],
    )
    wait_for_all_executed(page)
    wait_for_output_text(page, 2, "last cell")
    cell(page, 1).get_by_role("button", name="Click me").click()
    wait_for_output_text(page, 1, "clicked Click me")
    assert "clicked" not in cell_output_text(page, 2)
    assert_no_command_errors(page)
    check_page_errors(page)


def test_run_all_with_three_inputs(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    """Run All over cells that each wait in input(): every form shows in its own cell."""
    open_and_run_all(
        page,
        lab_server,
        "three-inputs",
        [
            "from pywebio_nb.input import input, NUMBER\nfrom pywebio_nb.output import put_text",
            'a = input("first")',
            'b = input("second", type=NUMBER)',
            'c = input("third")',
            "put_text(a, b + 1, c)",
        ],
    )
    for index, answer in ((1, "x"), (2, "41"), (3, "z")):
        form = cell(page, index).locator(PENDING_FORM)
        form.locator("input[name=data]").fill(answer)
        form.locator("button[type=submit]", has_text="Submit").click()
        expect(form).to_have_count(0)
    expect_output_and_no_errors(page, 4, "x 42 z")
