"""Pin widgets in a real JupyterLab 4.6 (headless Chromium): typed into in one cell and
read back from a later cell, and the manual's markdown previewer updating live while its
pin_wait_change loop blocks another cell (its editor is CodeMirror, whose module the
kernel sends with the widget)."""

from __future__ import annotations

from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    JupyterServer,
    assert_no_command_errors,
    cell,
    check_page_errors,
    console_log,
    lab_server,
    open_notebook,
    run_cell,
    wait_for_execution_count,
    wait_for_output_text,
)
from playwright.sync_api import expect

WAIT = 30_000


def test_pins_typed_into_and_read_from_later_cells(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook(
        "pins",
        [
            "from pywebio_nb.pin import *\n"
            "from pywebio_nb.output import put_markdown, put_scope, use_scope",
            "put_input('who', label='Who')\nput_select('color', options=['red', 'green', 'blue'])",
            "print('read:', pin.who, pin.color)",
            "put_textarea('md_text', rows=4, code={'mode': 'markdown'})\n"
            "put_actions('control', buttons=[('Stop', 'stop')])\n"
            "put_scope('md')",
            "while True:\n"
            "    change = pin_wait_change('md_text', 'control')\n"
            "    if change['name'] == 'control':\n"
            "        break\n"
            "    with use_scope('md', clear=True):\n"
            "        put_markdown(change['value'])",
            "print('stopped by', pin.control, len(pin.md_text))",
        ],
    )
    open_notebook(page, lab_server.notebook_url(name))
    run_cell(page, 0)
    wait_for_execution_count(page, 0, 1)
    run_cell(page, 1)
    who = cell(page, 1).locator("input[name=who]")
    who.wait_for(timeout=WAIT)
    who.fill("Ada")
    cell(page, 1).locator("select[name=color]").select_option(label="blue")
    run_cell(page, 2)
    wait_for_output_text(page, 2, "read: Ada blue")

    # the previewer: the loop blocks cell 4, the preview lives in cell 3's scope
    run_cell(page, 3)
    # the manual's previewer edits in a code editor (CodeMirror, sent with the widget)
    editor = cell(page, 3).locator(".pywebio-code .cm-content")
    editor.wait_for(timeout=WAIT)
    run_cell(page, 4)
    editor.click()
    editor.press_sequentially("# Live *notebook*", delay=5)
    heading = cell(page, 3).locator("#pywebio-scope-md h1")
    heading.wait_for(timeout=WAIT)
    # each change re-renders the scope: a new <h1>, so the locator is re-queried
    expect(heading).to_have_text("Live notebook", timeout=WAIT)
    expect(heading.locator("em")).to_have_text("notebook")
    cell(page, 3).get_by_role("button", name="Stop").click()
    wait_for_execution_count(page, 4)
    run_cell(page, 5)
    wait_for_output_text(page, 5, "stopped by stop 17")
    assert_no_command_errors(page)
    check_page_errors(page)
