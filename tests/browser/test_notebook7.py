"""pywebio_nb in a real Notebook 7.6 (headless Chromium via Playwright)."""

from __future__ import annotations

from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    NB7_KNOWN_PAGE_ERRORS,
    JupyterServer,
    assert_no_command_errors,
    cell,
    check_page_errors,
    console_log,
    execution_counts,
    nb7_server,
    open_notebook,
    run_all,
    wait_for_all_executed,
    wait_for_output_text,
)
from playwright.sync_api import expect

INPUT_CELLS = [
    "from pywebio_nb.input import input\nfrom pywebio_nb.output import put_text, put_buttons",
    'x = input("name")',
    'put_text("next cell sees", x)',
]


def test_input_blocks_cell_until_submitted(page: Any, console_log: list[str],
                                           nb7_server: JupyterServer) -> None:
    name = nb7_server.write_notebook("input-roundtrip", INPUT_CELLS)
    open_notebook(page, nb7_server.notebook_url(name))
    run_all(page)
    form = cell(page, 1).locator(".pywebio-form[data-task-id]")
    field = form.locator("input[name=data]")
    field.wait_for(timeout=20_000)
    assert execution_counts(page)[1:] == [None, None]
    field.fill("Ada")
    form.locator("button[type=submit]", has_text="Submit").click()
    wait_for_all_executed(page)
    wait_for_output_text(page, 2, "next cell sees Ada")
    expect(cell(page, 1).locator(".pywebio-form")).to_have_count(0)
    assert_no_command_errors(page)
    check_page_errors(page, allowed=NB7_KNOWN_PAGE_ERRORS)
