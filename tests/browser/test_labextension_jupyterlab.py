"""pywebio_nb's JupyterLab extension in a real JupyterLab 4.6 (headless Chromium).

- "Open as PyWebIO app" is in the file browser's context menu (``.py``), the command
  palette and the notebook toolbar (``.ipynb``), and opens
  ``<base url>pywebio/apps/<path>`` in a new tab, where the server extension answers.
- The MIME renderer of ``application/vnd.pywebio-nb.snapshot+json`` draws a saved cell
  root with pywebio_nb's renderer, read-only, in an untrusted notebook and in a trusted one
  whose widget model is gone (reopened: a new kernel), and leaves a live widget alone.

The saved notebook is written by hand with the three MIME types pywebio_nb's cell roots
carry (widget view, ``text/html``, snapshot), so these tests do not depend on the kernel
side producing them.
"""

from __future__ import annotations

import base64
import pathlib
import uuid
from typing import Any

import nbformat
import pytest
from _jupyter import (  # noqa: F401  (fixtures are used by name)
    JupyterServer,
    check_page_errors,
    console_log,
    execute_command,
    lab_server,
    open_notebook,
    run_cell,
    wait_for_execution_count,
)
from playwright.sync_api import expect

SNAPSHOT_MIME = "application/vnd.pywebio-nb.snapshot+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
OPEN_APP = "pywebio-nb:open-app"
LABEL = "Open as PyWebIO app"
OUTPUTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output"
SNAPSHOT_OUTPUT = ".jp-NotebookPanel:not(.lm-mod-hidden) .pywebio-nb-snapshot-output"
# A 1x1 PNG: the snapshot's image travels as a base64 buffer of a `blob` command.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)

APP_PY = """\
from pywebio_nb.output import put_text


def main():
    put_text("hello from the .py app")
"""


def snapshot(text: str) -> dict[str, Any]:
    """A snapshot of a cell root: a text, a button, an image (bytes in a buffer), a form."""
    root = "#pywebio-scope-ROOT"
    blob = {"id": "img-1", "buffer": 0, "offset": 0, "size": len(PNG), "mime": "image/png"}
    image_ref = {"blob": "img-1", "size": len(PNG), "mime": "image/png"}
    form_input = {"type": "text", "label": "Your name", "name": "data", "onblur": True}
    return {
        "version": 1,
        "root": "r-1",
        "commands": [
            {
                "command": "output",
                "task_id": None,
                "spec": {
                    "type": "text",
                    "content": text,
                    "inline": False,
                    "scope": root,
                    "position": -1,
                },
            },
            {
                "command": "output",
                "task_id": None,
                "spec": {
                    "type": "buttons",
                    "callback_id": "cb-1",
                    "buttons": [{"label": "Click me", "value": 0}],
                    "link": False,
                    "outline": False,
                    "group": False,
                    "scope": root,
                    "position": -1,
                },
            },
            {"command": "blob", "task_id": None, "spec": blob},
            {
                "command": "output",
                "task_id": None,
                "spec": {
                    "type": "image",
                    "src": image_ref,
                    "title": "pic",
                    "scope": root,
                    "position": -1,
                },
            },
            {
                "command": "input_group",
                "task_id": "form-1",
                "spec": {"label": "", "inputs": [form_input], "cancelable": False},
            },
            {
                "command": "run_script",
                "task_id": None,
                "spec": {"code": "window.__ranScript = 1", "args": {}},
            },
        ],
        "buffers": [base64.b64encode(PNG).decode()],
    }


def saved_output(model_id: str, text: str) -> Any:
    """A cell root's display output as pywebio_nb saves it: widget view, HTML, snapshot."""
    return nbformat.v4.new_output(
        "display_data",
        data={
            WIDGET_MIME: {"model_id": model_id, "version_major": 2, "version_minor": 1},
            "text/plain": "CellRoot(...)",
            "text/html": "<p>static html fallback</p>",
            SNAPSHOT_MIME: snapshot(text),
        },
    )


def write_saved_notebook(server: JupyterServer, stem: str, text: str, *, trusted: bool) -> str:
    """A notebook whose one code cell has a saved pywebio_nb output (its model long gone)."""
    name = server.write_notebook(stem, ["from pywebio_nb.output import put_text"])
    path = server.root / name
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[0].outputs = [saved_output(uuid.uuid4().hex, text)]
    nb.cells[0].execution_count = 1
    if trusted:
        # The server's notary keeps its secret and signatures in its data dir.
        from nbformat.sign import NotebookNotary

        NotebookNotary(data_dir=str(server.root.parent / "data")).sign(nb)
    nbformat.write(nb, str(path))
    return name


def snapshot_text(page: Any) -> str:
    return str(
        page.locator(SNAPSHOT_OUTPUT).first.evaluate(
            "(n) => n.querySelector('.pywebio-nb-snapshot').shadowRoot?.textContent ?? ''"
        )
    )


def expect_read_only_snapshot(page: Any, text: str) -> None:
    """The snapshot shows ``text``, its image, a disabled button and a disabled form."""
    output = page.locator(SNAPSHOT_OUTPUT).first
    expect(output).to_have_attribute("data-pywebio-nb-settled", "true", timeout=20_000)
    expect(output).to_have_attribute("data-pywebio-nb-shown", "snapshot")
    shadow = output.locator(".pywebio-nb-snapshot")
    expect(shadow.get_by_text(text)).to_be_visible()
    expect(shadow.get_by_role("button", name="Click me")).to_be_disabled()
    expect(shadow.locator("input[name=data]")).to_be_disabled()
    expect(shadow.locator("button[type=submit]")).to_be_disabled()
    image = shadow.locator("img[alt=pic]")
    expect(image).to_be_visible()
    assert image.evaluate("(img) => img.complete && img.naturalWidth") == 1
    # neither ipywidgets' error (kept hidden) nor the HTML fallback is shown; no script ran
    expect(page.locator(OUTPUTS).get_by_text("Error displaying widget")).to_be_hidden()
    expect(page.locator(OUTPUTS).get_by_text("static html fallback")).to_have_count(0)
    assert page.evaluate("() => window.__ranScript") is None


def lab_url(server: JupyterServer) -> str:
    """JupyterLab in a fresh workspace (nothing restored), the file browser at the root."""
    workspace = f"t{uuid.uuid4().hex[:12]}"
    return f"{server.base_url}/lab/workspaces/{workspace}?reset&token={server.token}"


def app_url(server: JupyterServer, path: str) -> str:
    return f"{server.base_url}/pywebio/apps/{path}"


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
    name = lab_server.write_notebook("sub dir/my app", ['print("nb")'])
    open_notebook(page, lab_server.notebook_url(name))
    expected = app_url(lab_server, name.replace(" ", "%20"))
    toolbar = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .pywebio-nb-open-app")
    button = toolbar.get_by_role("button", name=LABEL)
    with page.context.expect_page() as opened:
        button.click()
    opened.value.wait_for_load_state()
    assert opened.value.url == expected
    opened.value.close()
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
    assert "stale snapshot" not in snapshot_text(page)
    check_page_errors(page)


@pytest.fixture(autouse=True)
def _labextension_installed() -> None:
    """Fail with the fix when the venv's JupyterLab does not see the extension."""
    import sys

    link = pathlib.Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "pywebio-nb"
    assert (link / "package.json").is_file(), (
        f"{link} missing: run `make setup` (builds labextension/)"
    )
