"""Shared pieces of the JupyterLab extension's browser tests (JupyterLab and Notebook 7).

The saved notebook is written by hand with the three MIME types pywebio_nb's cell roots
carry (widget view, ``text/html``, snapshot), so the tests do not depend on the kernel
side producing them.
"""

from __future__ import annotations

import base64
import pathlib
import sys
import uuid
from typing import Any

import nbformat
import pytest
from _jupyter import JupyterServer
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


def app_url(server: JupyterServer, path: str) -> str:
    """Where "Open as PyWebIO app" must send ``path`` (already URL-encoded)."""
    return f"{server.base_url}/pywebio/apps/{path}"


NOTEBOOK_APP_CELLS = [
    "from pywebio_nb.output import put_text",
    'put_text("hello from the notebook app")',
]


@pytest.fixture(autouse=True)
def labextension_installed() -> None:
    """Fail with the fix when the venv's JupyterLab does not see the extension."""
    link = pathlib.Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "pywebio-nb"
    assert (link / "package.json").is_file(), (
        f"{link} missing: run `make setup` (builds labextension/)"
    )
