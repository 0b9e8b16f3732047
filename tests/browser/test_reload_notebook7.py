"""Reload in Notebook 7.6 (issue 8, item 1): the outputs and a pending ``input()`` form of
a running kernel come back in the reloaded page, and the answer unblocks the cell."""

from __future__ import annotations

from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    NB7_KNOWN_PAGE_ERRORS,
    PENDING_FORM,
    JupyterServer,
    check_page_errors,
    console_log,
    nb7_server,
    open_notebook,
    run_all,
)
from test_reload_jupyterlab import live, live_text, reload, save, wait_live_text


def test_reload_in_notebook7_brings_back_outputs_and_the_pending_form(
    page: Any, console_log: list[str], nb7_server: JupyterServer
) -> None:
    name = nb7_server.write_notebook(
        "reload",
        [
            "from pywebio_nb.output import put_text\n"
            "from pywebio_nb.input import input\n"
            "put_text('kept output')",
            "x = input('Your name')\nput_text('hello', x)",
        ],
    )
    open_notebook(page, nb7_server.notebook_url(name))
    run_all(page)
    wait_live_text(page, 0, "kept output")
    live(page, 1).locator(PENDING_FORM).wait_for(timeout=20_000)
    save(page)

    reload(page, name)
    wait_live_text(page, 0, "kept output")
    form = live(page, 1).locator(PENDING_FORM)
    form.wait_for(timeout=20_000)
    form.locator("input[name=data]").fill("Ada")
    form.locator("button[type=submit]").click()
    wait_live_text(page, 1, "hello Ada")
    assert live_text(page, 0).count("kept output") == 1
    check_page_errors(page, allowed=NB7_KNOWN_PAGE_ERRORS)
