"""Nothing lost on reload or a second view, in a real JupyterLab 4.6 (issue 8, item 1).

A saved notebook whose kernel still runs: reloading the tab brings every pywebio_nb
output back from the kernel (the widget asks to ``resume`` and gets a replay or a
snapshot of its cell root), a cell blocked in ``input()`` shows its form again and the
answer given in the reloaded page unblocks it; later updates of a scope shown in an
earlier cell and a thread's output land in the cell they belong to. A second browser tab
on the same notebook shows the same outputs and both follow a click; so does the
notebook closed and opened again in the same page while its kernel runs. Messages the
Jupyter server drops (its IOPub rate limit, lowered here) leave a gap in the batch
numbers, which the widget fills from the kernel.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import Any

import _jupyter
import pytest
from _jupyter import (  # noqa: F401  (fixtures are used by name)
    PENDING_FORM,
    JupyterServer,
    cell,
    check_page_errors,
    console_log,
    execute_command,
    jupyter_server,
    lab_server,
    open_notebook,
    run_all,
)

#: Every cell of the current notebook is in the DOM and its kernel connected (busy or
#: idle: a cell may be blocked in input()).
_CONNECTED_JS = """(name) => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.context || !w.context.path.endsWith(name) || !w.context.isReady) return false;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel || kernel.connectionStatus !== 'connected') return false;
  return document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').length === w.content.widgets.length;
}"""

_SAVED_JS = """() => !window.jupyterapp.shell.currentWidget.context.model.dirty"""


#: The live renderer of a cell root (the saved copy shown until it loads is not one).
HOST = ".pywebio-nb-host"


def live(page: Any, index: int) -> Any:
    return cell(page, index).locator(HOST)


def wait_live_text(page: Any, index: int, text: str) -> None:
    """Wait until a live view in cell ``index`` shows ``text`` (visible)."""
    live(page, index).filter(has_text=text).first.wait_for(timeout=20_000)


def live_text(page: Any, index: int) -> str:
    """The text the live views of cell ``index`` show (their shadow roots)."""
    return " ".join(
        live(page, index).evaluate_all(
            "(hosts) => hosts.map((h) => (h.shadowRoot || h).textContent)"
        )
    )


def save(page: Any) -> None:
    """Save the notebook (its outputs name the widget models a reload restores)."""
    execute_command(page, "docmanager:save")
    page.wait_for_function(_SAVED_JS, timeout=20_000)


def reload(page: Any, name: str) -> None:
    page.reload()
    page.wait_for_function(_CONNECTED_JS, arg=name, timeout=30_000)


RELOAD_CELLS = [
    "import threading\n"
    "from pywebio_nb.output import put_text, put_scope\n"
    "from pywebio_nb.input import input\n"
    "go = threading.Event()\n"
    "def work():\n"
    "    go.wait(60)\n"
    "    put_text('thread says hi')\n"
    "threading.Thread(target=work).start()\n"
    "put_text('kept output')\n"
    "put_scope('s')",
    "x = input('Your name')\nput_text('hello', x)",
    # Queued behind the blocked cell by Run All; runs once the reloaded page answers.
    "put_text('into s from cell 3', scope='s')\ngo.set()",
]


def test_reload_brings_back_outputs_and_the_pending_form_whose_answer_unblocks_the_cell(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook("reload", RELOAD_CELLS)
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    wait_live_text(page, 0, "kept output")
    live(page, 1).locator(PENDING_FORM).wait_for(timeout=20_000)
    save(page)

    reload(page, name)
    wait_live_text(page, 0, "kept output")
    form = live(page, 1).locator(PENDING_FORM)
    form.wait_for(timeout=20_000)
    assert "Your name" in live_text(page, 1)
    form.locator("input[name=data]").fill("Ada")
    form.locator("button[type=submit]").click()
    wait_live_text(page, 1, "hello Ada")
    # The queued cell ran: it updated the scope of cell 1 and let cell 1's thread go on.
    wait_live_text(page, 0, "into s from cell 3")
    wait_live_text(page, 0, "thread says hi")
    assert live(page, 1).locator(PENDING_FORM).count() == 0
    text = live_text(page, 0)
    assert text.count("kept output") == 1, text  # rebuilt once, not twice
    check_page_errors(page)


def test_a_second_tab_shows_the_outputs_and_follows_a_click(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook(
        "second-tab",
        [
            "from pywebio_nb.output import put_text, put_buttons\n"
            "put_text('shown in both')\n"
            "put_buttons(['Add'], onclick=lambda _: put_text('added by a click'))"
        ],
    )
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    wait_live_text(page, 0, "shown in both")
    save(page)

    second = page.context.new_page()
    second_errors: list[str] = []
    second.on("pageerror", lambda exc: second_errors.append(str(exc)))
    try:
        second.goto(lab_server.notebook_url(name))
        second.wait_for_function(_CONNECTED_JS, arg=name, timeout=30_000)
        wait_live_text(second, 0, "shown in both")
        live(second, 0).get_by_role("button", name="Add").click()
        wait_live_text(second, 0, "added by a click")
        wait_live_text(page, 0, "added by a click")
        for p in (page, second):
            assert live_text(p, 0).count("shown in both") == 1
        assert not second_errors, second_errors
    finally:
        second.close()
    check_page_errors(page)


def test_a_notebook_closed_and_opened_again_shows_its_outputs_and_pending_form(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook(
        "reopen",
        [
            "from pywebio_nb.output import put_text\n"
            "from pywebio_nb.input import input\n"
            "put_text('before closing')\n"
            "x = input('Still there?')\n"
            "put_text('answered', x)"
        ],
    )
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    live(page, 0).locator(PENDING_FORM).wait_for(timeout=20_000)
    save(page)
    page.evaluate("() => window.jupyterapp.shell.currentWidget.close()")
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel')", timeout=20_000)
    execute_command(page, "docmanager:open", {"path": name})
    page.wait_for_function(_CONNECTED_JS, arg=name, timeout=30_000)
    wait_live_text(page, 0, "before closing")
    form = live(page, 0).locator(PENDING_FORM)
    form.locator("input[name=data]").fill("yes")
    form.locator("button[type=submit]").click()
    wait_live_text(page, 0, "answered yes")
    assert live_text(page, 0).count("before closing") == 1
    check_page_errors(page)


def test_a_thread_writes_into_its_cell_after_the_cell_ended_even_one_that_showed_nothing(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook(
        "late-thread",
        [
            "import threading\n"
            "from pywebio_nb.output import put_text\n"
            "go = threading.Event()\n"
            "def late():\n"
            "    go.wait(30)\n"
            "    put_text('late thread text')\n"
            "threading.Thread(target=late).start()",
            "put_text('cell 2 output')",
            "go.set()",
        ],
    )
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    wait_live_text(page, 0, "late thread text")
    assert "late thread text" not in live_text(page, 1) + live_text(page, 2)
    check_page_errors(page)


@pytest.fixture(scope="module")
def limited_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """JupyterLab whose server drops IOPub messages past 30 in 3 s (default: 3000)."""
    default = _jupyter.SERVER_CONFIG
    _jupyter.SERVER_CONFIG = default + (
        "c.ZMQChannelsWebsocketConnection.iopub_msg_rate_limit = 10.0\n"
        "c.ZMQChannelsWebsocketConnection.rate_limit_window = 3.0\n"
    )
    try:
        base: pathlib.Path = tmp_path_factory.mktemp("jlab-limited")
        with jupyter_server("lab", base) as server:
            _jupyter.SERVER_CONFIG = default
            yield server
    finally:
        _jupyter.SERVER_CONFIG = default


def test_batches_the_server_dropped_are_fetched_when_the_gap_shows(
    page: Any, console_log: list[str], limited_lab: JupyterServer
) -> None:
    name = limited_lab.write_notebook(
        "dropped",
        [
            "from pywebio_nb.jupyter._kernel_session import kernel_session\n"
            "from pywebio_nb.output import put_scope, put_text\n"
            "from pywebio_nb.session import eval_js\n"
            "flush = kernel_session(create=True).flush\n"
            "put_scope('more')\n"
            "eval_js('1')  # the widget is up (and asked for its history) before the drop",
            "for i in range(60):\n"
            "    put_text(f'n{i}.', scope='more'); flush()  # a message each: past the limit",
            "put_text('after the drop', scope='more')",
        ],
    )
    open_notebook(page, limited_lab.notebook_url(name))
    run_all(page)
    # The server said it dropped output (its stderr note in the cell)...
    cell(page, 1).locator(".jp-OutputArea-output", has_text="IOPub message rate exceeded").wait_for(
        timeout=20_000
    )
    # ...and the later batch showed the gap: the widget fetched what it missed.
    wait_live_text(page, 0, "after the drop")
    wait_live_text(page, 0, "n59.")
    text = live_text(page, 0)
    assert all(text.count(f"n{i}.") == 1 for i in range(60)), text
    check_page_errors(page)
