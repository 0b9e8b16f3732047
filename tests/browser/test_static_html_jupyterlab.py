"""The saved copy of a cell root in a real JupyterLab 4.6: the notebook model (what
JupyterLab writes to the .ipynb) gets ``text/html`` when the cell ends and again after
a callback changed the root, while the live widget view stays the same view (typed
text kept, no second renderer).
"""

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

#: The text/html of cell ``i``'s first output in JupyterLab's notebook model.
_SAVED_HTML = """(i) => {
  const outputs = window.jupyterapp.shell.currentWidget.content.widgets[i].model.outputs;
  for (let k = 0; k < outputs.length; k++) {
    const data = outputs.get(k).data;
    if (data['text/html']) return String(data['text/html']);
  }
  return '';
}"""


def _saved_html_contains(page: Any, index: int, text: str) -> None:
    page.wait_for_function(
        f"([i, text]) => ({_SAVED_HTML})(i).includes(text)", arg=[index, text], timeout=20_000
    )


def test_saved_copy_follows_the_cell_and_its_callbacks(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook(
        "static_html",
        [
            "from pywebio_nb import pin\n"
            "from pywebio_nb.output import put_buttons, put_text\n"
            "put_text('static first')\n"
            "pin.put_input('typed', label='Type here')\n"
            "put_buttons(['Press'], onclick=lambda _: put_text('static clicked'))",
        ],
    )
    open_notebook(page, lab_server.notebook_url(name))
    run_cell(page, 0)
    wait_for_execution_count(page, 0, 1)
    wait_for_output_text(page, 0, "static first")
    _saved_html_contains(page, 0, "static first")  # refreshed when the cell ended

    field = cell(page, 0).locator("input[name=typed]")
    field.fill("kept while refreshed")
    # Mark the live renderer's element: a re-created view would not carry the mark.
    cell(page, 0).locator(".pywebio-nb").evaluate("(el) => { el.dataset.mark = 'live'; }")
    cell(page, 0).get_by_role("button", name="Press").click()
    wait_for_output_text(page, 0, "static clicked")
    _saved_html_contains(page, 0, "static clicked")  # refreshed after the callback

    # The refresh did not replace the live view: one renderer, the typed text still there.
    assert cell(page, 0).locator(".pywebio-nb").count() == 1
    assert cell(page, 0).locator(".pywebio-nb[data-mark=live]").count() == 1
    assert field.input_value() == "kept while refreshed"
    assert_no_command_errors(page)
    check_page_errors(page)
