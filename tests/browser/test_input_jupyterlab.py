"""The code textarea in a JupyterLab 4.6 cell: the widget bundle has no CodeMirror, the
kernel sends static/code_editor.js with the form and the widget imports it from a Blob
URL; typing, F11/Esc and submit work inside the widget's shadow root."""

from __future__ import annotations

from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    PENDING_FORM,
    JupyterServer,
    cell,
    console_log,
    expect_output_and_no_errors,
    lab_server,
    open_and_run_all,
)

CELLS = [
    "from pywebio_nb.input import textarea, input_group, select, input_update",
    "code = textarea('Code', code={'mode': 'python'}, value='x = 1', required=True)",
    "print('got', repr(code))",
]


def test_code_textarea_in_a_cell(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    open_and_run_all(page, lab_server, "code-textarea", CELLS)
    form = cell(page, 1).locator(PENDING_FORM)
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
    expect_output_and_no_errors(page, 2, "got 'x = 1\\nprint(x)'")
