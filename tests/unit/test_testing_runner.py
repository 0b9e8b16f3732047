"""pywebio_nb.testing's runner: what it reads from saved outputs."""

from __future__ import annotations

import nbformat

from pywebio_nb.jupyter._static_html import SNAPSHOT_MIME
from pywebio_nb.testing import _runner


def test_the_runner_knows_the_snapshot_mime_type() -> None:
    assert _runner._SNAPSHOT_MIME == SNAPSHOT_MIME


def test_outputs_text_skips_cell_roots_but_keeps_plain_results() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", {"text/plain": "hello (a root's readable text)", SNAPSHOT_MIME: {}}
        ),
        nbformat.v4.new_output("execute_result", {"text/plain": "42"}, execution_count=1),
    ]
    nb.cells.append(cell)
    run = _runner.NotebookRun(notebook=nb, texts=["hello"])
    assert run.outputs_text().splitlines() == ["hello", "42"]
