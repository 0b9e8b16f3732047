"""Saved notebooks are readable without a kernel: each cell root's display carries
``text/html`` and a snapshot, refreshed when its cell ends and after a callback.

Executed by nbclient with the scripted frontend (it clicks a button while a later
cell waits in ``input()``, then answers); the saved
outputs are read as the ``.ipynb`` holds them, and ``jupyter nbconvert --to html``
turns them into a page that contains the texts (nbconvert's HTMLExporter, in process).
"""

from __future__ import annotations

import base64
import json
import pathlib
from typing import Any

import nbformat
import pytest
from nbconvert import HTMLExporter
from scripted_frontend import run_notebook

from pywebio_nb.jupyter._static_html import SNAPSHOT_MIME

REPO = pathlib.Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))

CELLS = [
    # cell 1: content of every family, and a button whose callback writes into this cell
    f"""import threading
from pywebio_nb.output import put_buttons, put_image, put_markdown, put_scope, put_table, put_text
clicked = threading.Event()
def on_click(_):
    put_text("clicked: <b>literal</b>")
    clicked.set()
put_text("first <b>text</b>")
put_markdown("**bold markdown**")
put_table([["Name", "Score"], ["Ada", "10"]])
put_image({PNG!r})
put_buttons(["Press me"], onclick=on_click)""",
    # cell 2: blocks in input() (comm messages are handled meanwhile); the scripted
    # frontend clicks, waits for the callback's output, then answers
    """from pywebio_nb.input import input
name = input("Your name")
assert clicked.is_set()""",
    # cell 3: updates a scope of cell 1's root from another cell
    """from pywebio_nb.output import put_scope, use_scope
with use_scope('shared', clear=True):
    put_text('scope text from cell 3')""",
]


STEPS = [("click_during_form", "Press me"), ("expect", "clicked:"), ("submit", {"data": "Ada"})]


def _notebook(path: pathlib.Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    # cell 1 also shows the scope cell 3 fills
    nb.cells[0].source += "\nput_scope('shared', [put_text('scope text from cell 1')])"
    nbformat.write(nb, path)


def _root_output(cell: Any) -> dict[str, Any]:
    shown = [
        o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(shown) == 1, cell.outputs
    return dict(shown[0]["data"])


@pytest.mark.parametrize("kernel", ["python3", "ipykernel6"])
def test_saved_outputs_hold_static_html(
    kernel: str, tmp_path: pathlib.Path, request: pytest.FixtureRequest
) -> None:
    kernel_name = request.getfixturevalue("ipykernel6") if kernel == "ipykernel6" else kernel
    source = tmp_path / "static.ipynb"
    _notebook(source)
    nb, _script = run_notebook(str(source), STEPS, kernel_name=kernel_name)
    saved = tmp_path / "saved.ipynb"
    nbformat.write(nb, saved)

    data = _root_output(nbformat.read(saved, as_version=4).cells[0])
    page = data["text/html"]
    for text in (
        "first &lt;b&gt;text&lt;/b&gt;",  # escaped, not markup
        "<strong>bold markdown</strong>",
        "Ada",
        "Press me",
        "clicked: &lt;b&gt;literal&lt;/b&gt;",  # the callback's output (after the cell ended)
        "scope text from cell 3",  # another cell's update of this root
        "data:image/png;base64," + base64.b64encode(PNG).decode(),
    ):
        assert text in page, text
    assert "scope text from cell 1" not in page
    assert "<script" not in page
    assert "first <b>text</b>" in data["text/plain"]

    snapshot = data[SNAPSHOT_MIME]
    assert snapshot["version"] == 1 and snapshot["root"] == "cell-1"
    commands = snapshot["commands"]
    assert commands[0]["command"] == "blob"
    assert base64.b64decode(snapshot["buffers"][commands[0]["spec"]["buffer"]]) == PNG
    texts = json.dumps(commands)
    assert "clicked: <b>literal</b>" in texts and "scope text from cell 3" in texts

    # nbconvert's HTML shows the static copy. The notebook is exported as JupyterLab
    # saves it: without widget state (nbclient stores it; with it, nbconvert prefers
    # the widget view, which needs a browser, the network and the widget's JS).
    exported = nbformat.read(saved, as_version=4)
    exported.metadata.pop("widgets", None)
    # What `jupyter nbconvert --to html` runs, in this process (no interpreter start-up).
    html_page, _resources = HTMLExporter().from_notebook_node(exported)
    for text in (
        "clicked: &lt;b&gt;literal&lt;/b&gt;",
        "scope text from cell 3",
        "<strong>bold markdown</strong>",
        '<p class="pwnb-text">first &lt;b&gt;text&lt;/b&gt;</p>',
    ):
        assert text in html_page, text
