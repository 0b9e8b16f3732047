"""The code textarea in a JupyterLab 4.6 cell: the widget bundle has no CodeMirror, the
kernel sends static/code_editor.js with the form and the widget imports it from a Blob
URL; typing, F11/Esc and submit work inside the widget's shadow root."""

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
    run_all,
    wait_for_all_executed,
    wait_for_output_text,
)

CELLS = [
    "from pywebio_nb.input import textarea, input_group, select, input_update",
    "code = textarea('Code', code={'mode': 'python'}, value='x = 1', required=True)",
    "print('got', repr(code))",
]


def test_code_textarea_in_a_cell(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook("code-textarea", CELLS)
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    form = cell(page, 1).locator(".pywebio-form[data-task-id]")
    editor = form.locator(".cm-content")
    editor.wait_for(timeout=30_000)
    # CodeMirror's own styles reached the widget's shadow root (a gutter is laid out).
    gutter = form.locator(".cm-gutters")
    assert gutter.evaluate("e => getComputedStyle(e).display") == "flex"
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nprint(x)")
    page.keyboard.press("F11")
    wrapper = form.locator(".pywebio-code")
    assert wrapper.evaluate("e => getComputedStyle(e).position") == "fixed"
    page.keyboard.press("Escape")
    assert wrapper.evaluate("e => getComputedStyle(e).position") != "fixed"
    form.locator("button[type=submit]").click()
    wait_for_all_executed(page)
    wait_for_output_text(page, 2, "got 'x = 1\\nprint(x)'")
    assert_no_command_errors(page)
    check_page_errors(page)
