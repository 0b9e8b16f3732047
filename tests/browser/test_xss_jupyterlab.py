"""XSS in a JupyterLab 4.6 cell (issue 11): the very app of ``test_xss_page.py`` (its
source text is the cell) puts hostile text in every place the manual treats as text;
none of it runs, all of it is shown literally, sanitized HTML and Markdown lose their
active parts. One server start, one notebook, one cell.
"""

from __future__ import annotations

import inspect
from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    PENDING_FORM,
    JupyterServer,
    assert_no_command_errors,
    cell,
    check_page_errors,
    console_log,
    execution_counts,
    failure_context,
    lab_server,
    open_and_run_all,
)
from test_xss_page import (
    TEXT_PLACES,
    assert_nothing_ran,
    click_js_links,
    missing_places,
    record_dialogs,
    wait_until_settled,
    xss_app,
)

CELLS = [inspect.getsource(xss_app) + "\n\nxss_app()\n"]


def test_no_payload_runs_in_a_jupyterlab_cell(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    dialogs = record_dialogs(page)
    open_and_run_all(page, lab_server, "xss", CELLS)
    out = cell(page, 0)
    form = out.locator(PENDING_FORM)
    try:
        form.locator(".pywebio-form-item").first.wait_for(timeout=30_000)
        wait_until_settled(page)
    except Exception as exc:
        raise AssertionError(
            f"the app's form never settled{failure_context(page, lab_server)}"
        ) from exc
    assert execution_counts(page) == [None]  # the cell still waits for its form
    state = assert_nothing_ran(page, dialogs)
    assert not missing_places(state, TEXT_PLACES), failure_context(page, lab_server)
    joined = "\n".join(state["texts"])
    assert joined.count("scope name refused") == 2
    assert "html-sanitized" in joined and "markdown-sanitized" in joined

    close = page.locator(".pywebio-popup .btn-close").first
    close.click()
    click_js_links(page, out)
    form.locator("button", has_text="actions button:").first.click()
    form.locator(".invalid-feedback", has_text="validate error:").first.wait_for(timeout=20_000)
    state = assert_nothing_ran(page, dialogs)
    assert not missing_places(state, ["validate error"])
    assert_no_command_errors(page)
    check_page_errors(page)
