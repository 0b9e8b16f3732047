"""pywebio_nb's JupyterLab extension in a real JupyterLab 4.6 (headless Chromium).

- "Open as PyWebIO app" is in the file browser's context menu (``.py``), the command
  palette and the notebook toolbar (``.ipynb``), and opens
  ``<base url>pywebio/apps/<path>`` in a new tab, where the server extension answers.
- The MIME renderer of ``application/vnd.pywebio-nb.snapshot+json`` draws a saved cell
  root with pywebio_nb's renderer, read-only, in an untrusted notebook and in a trusted one
  whose widget model is gone (reopened: a new kernel), and leaves a live widget alone.

The saved notebooks are written by hand (see ``_labextension.py``).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import nbformat
from _jupyter import (  # noqa: F401  (fixtures are used by name)
    JupyterServer,
    check_page_errors,
    console_log,
    lab_server,
    open_notebook,
    run_all,
    run_cell,
    wait_for_all_executed,
    wait_for_execution_count,
)
from _labextension import (  # noqa: F401  (fixtures are used by name)
    APP_PY,
    LABEL,
    NOTEBOOK_APP_CELLS,
    SNAPSHOT_MIME,
    SNAPSHOT_OUTPUT,
    WIDGET_MIME,
    app_url,
    expect_read_only_snapshot,
    labextension_installed,
    snapshot,
    write_saved_notebook,
)
from playwright.sync_api import expect


def lab_url(server: JupyterServer) -> str:
    """JupyterLab in a fresh workspace (nothing restored), the file browser at the root."""
    workspace = f"t{uuid.uuid4().hex[:12]}"
    return f"{server.base_url}/lab/workspaces/{workspace}?reset&token={server.token}"


# ---------------------------------------------------------------------------- Open as app


def test_open_py_from_file_browser_context_menu(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    (lab_server.root / "hello-app.py").write_text(APP_PY)
    page.goto(lab_url(lab_server))
    item = page.locator('.jp-DirListing-item[data-file-type="python"]', has_text="hello-app.py")
    item.click(button="right", timeout=30_000)
    entry = page.locator(".lm-Menu-item", has_text=LABEL)
    expect(entry).to_be_visible()
    with page.context.expect_page() as opened:
        entry.click()
    app = opened.value
    app.wait_for_load_state()
    assert app.url == app_url(lab_server, "hello-app.py")
    # the server extension runs the app behind Jupyter's login (this tab has its cookie)
    expect(app.get_by_text("hello from the .py app")).to_be_visible(timeout=20_000)
    app.close()
    check_page_errors(page)


def test_open_notebook_from_toolbar_and_palette(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    (lab_server.root / "sub dir").mkdir()
    name = lab_server.write_notebook("sub dir/my app", NOTEBOOK_APP_CELLS)
    open_notebook(page, lab_server.notebook_url(name))
    expected = app_url(lab_server, name.replace(" ", "%20"))
    toolbar = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .pywebio-nb-open-app")
    button = toolbar.get_by_role("button", name=LABEL)
    with page.context.expect_page() as opened:
        button.click()
    app = opened.value
    app.wait_for_load_state()
    assert app.url == expected
    expect(app.get_by_text("hello from the notebook app")).to_be_visible(timeout=20_000)
    app.close()
    # the command palette (Ctrl+Shift+C) offers it for the current notebook
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").click()
    page.keyboard.press("Control+Shift+C")
    page.locator(".lm-CommandPalette-input").fill("PyWebIO app")
    entry = page.locator(".lm-CommandPalette-item", has_text=LABEL)
    expect(entry).to_be_visible()
    with page.context.expect_page() as opened:
        entry.click()
    opened.value.wait_for_load_state()
    assert opened.value.url == expected
    opened.value.close()
    check_page_errors(page)


# ---------------------------------------------------------------------------- MIME renderer


def test_snapshot_in_untrusted_notebook(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = write_saved_notebook(
        lab_server, "saved-untrusted", "saved while untrusted", trusted=False
    )
    open_notebook(page, lab_server.notebook_url(name))
    expect_read_only_snapshot(page, "saved while untrusted")
    check_page_errors(page)


def test_snapshot_when_the_widget_model_is_gone(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    """Trusted: the widget view ranks first for ipywidgets, but its model is not in the
    new kernel; the snapshot shows instead of "Error displaying widget"."""
    name = write_saved_notebook(lab_server, "saved-trusted", "saved while trusted", trusted=True)
    open_notebook(page, lab_server.notebook_url(name))
    assert page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[0].model.trusted"
    ), "the notebook should open trusted (signed in the server's data dir)"
    expect_read_only_snapshot(page, "saved while trusted")
    check_page_errors(page)


LIVE_CELL = f"""\
import ipywidgets
from IPython.display import display
b = ipywidgets.Button(description="live button")
display({{
    {WIDGET_MIME!r}: {{"model_id": b.model_id, "version_major": 2, "version_minor": 1}},
    "text/plain": "CellRoot(...)",
    {SNAPSHOT_MIME!r}: {snapshot("stale snapshot")!r},
}}, raw=True)
"""


def test_live_widget_is_not_replaced(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook("live", [LIVE_CELL])
    open_notebook(page, lab_server.notebook_url(name))
    run_cell(page, 0)
    wait_for_execution_count(page, 0)
    output = page.locator(SNAPSHOT_OUTPUT).first
    expect(output).to_have_attribute("data-pywebio-nb-settled", "true", timeout=20_000)
    expect(output).to_have_attribute("data-pywebio-nb-shown", "live")
    expect(output.get_by_role("button", name="live button")).to_be_enabled()
    # the snapshot is not drawn behind it (nor left in the page)
    expect(output.locator(".pywebio-nb-snapshot")).to_have_count(0)
    expect(output.get_by_text("stale snapshot")).to_have_count(0)
    check_page_errors(page)


REAL_CELLS = [
    "from pywebio_nb.output import put_buttons, put_text",
    'put_text("live text")\nput_buttons(["Press"], onclick=lambda _: put_text("pressed"))',
]


def test_real_output_live_then_saved_and_reopened(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    """pywebio_nb's own cell root: live and interactive while its kernel runs; after save,
    kernel shutdown and reopening, drawn from the saved snapshot, read-only."""
    name = lab_server.write_notebook("real", REAL_CELLS)
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    wait_for_all_executed(page)
    output = page.locator(SNAPSHOT_OUTPUT).first
    expect(output).to_have_attribute("data-pywebio-nb-shown", "live", timeout=20_000)
    output.get_by_role("button", name="Press").click()
    expect(output.get_by_text("pressed")).to_be_visible()
    # the display is refreshed with the new content (update_display_data), then saved
    path = lab_server.root / name

    def saved_texts() -> str:
        outputs = nbformat.read(str(path), as_version=4).cells[1].outputs
        return json.dumps([o.get("data", {}).get(SNAPSHOT_MIME) for o in outputs])

    deadline = time.monotonic() + 20
    while True:
        # awaited: the file is written when the command resolves
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        if "pressed" in saved_texts():
            break
        assert time.monotonic() < deadline, f"never saved with the click's output: {saved_texts()}"
    kernel_id = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id"
    )
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    request = page.context.request
    kernels = request.get(f"{lab_server.base_url}/api/kernels?token={lab_server.token}").json()
    assert kernel_id not in [k["id"] for k in kernels]
    # reopened in a fresh page: a new kernel, without the cell root's widget model
    page.goto("about:blank")
    open_notebook(page, lab_server.notebook_url(name))
    output = page.locator(SNAPSHOT_OUTPUT).first
    expect(output).to_have_attribute("data-pywebio-nb-settled", "true", timeout=20_000)
    expect(output).to_have_attribute("data-pywebio-nb-shown", "snapshot")
    shadow = output.locator(".pywebio-nb-snapshot")
    expect(shadow.get_by_text("live text")).to_be_visible()
    expect(shadow.get_by_text("pressed")).to_be_visible()
    expect(shadow.get_by_role("button", name="Press")).to_be_disabled()
    check_page_errors(page)
