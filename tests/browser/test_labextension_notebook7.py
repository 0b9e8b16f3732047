"""pywebio_nb's JupyterLab extension in a real Notebook 7.6 (headless Chromium): the
"Open as PyWebIO app" command (file browser context menu on a ``.py``, notebook toolbar)
opens the app the server extension serves in a new tab, and a saved pywebio_nb output is
drawn by the snapshot renderer, read-only."""

from __future__ import annotations

from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    NB7_KNOWN_PAGE_ERRORS,
    JupyterServer,
    check_page_errors,
    console_log,
    nb7_server,
    open_notebook,
)
from _labextension import (  # noqa: F401  (fixtures are used by name)
    APP_PY,
    LABEL,
    NOTEBOOK_APP_CELLS,
    OPEN_APP,
    app_url,
    expect_read_only_snapshot,
    labextension_installed,
    write_saved_notebook,
)
from playwright.sync_api import expect


def test_open_as_app_in_notebook7(
    page: Any, console_log: list[str], nb7_server: JupyterServer
) -> None:
    (nb7_server.root / "hello-nb7.py").write_text(APP_PY)
    # the tree view's file browser: right-click the .py file
    page.goto(f"{nb7_server.base_url}/tree?token={nb7_server.token}")
    item = page.locator('.jp-DirListing-item[data-file-type="python"]', has_text="hello-nb7.py")
    item.click(button="right", timeout=30_000)
    entry = page.locator(".lm-Menu-item", has_text=LABEL)
    with page.context.expect_page() as opened:
        entry.click()
    app = opened.value
    app.wait_for_load_state()
    assert app.url == app_url(nb7_server, "hello-nb7.py")
    expect(app.get_by_text("hello from the .py app")).to_be_visible(timeout=20_000)
    app.close()
    # a notebook: the toolbar button
    name = nb7_server.write_notebook("nb-app", NOTEBOOK_APP_CELLS)
    open_notebook(page, nb7_server.notebook_url(name))
    assert page.evaluate("(id) => window.jupyterapp.commands.hasCommand(id)", OPEN_APP)
    button = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .pywebio-nb-open-app")
    with page.context.expect_page() as opened:
        button.get_by_role("button", name=LABEL).click()
    app = opened.value
    app.wait_for_load_state()
    assert app.url == app_url(nb7_server, name)
    expect(app.get_by_text("hello from the notebook app")).to_be_visible(timeout=20_000)
    app.close()
    check_page_errors(page, allowed=NB7_KNOWN_PAGE_ERRORS)


def test_saved_output_in_notebook7(
    page: Any, console_log: list[str], nb7_server: JupyterServer
) -> None:
    name = write_saved_notebook(nb7_server, "saved", "saved for notebook 7", trusted=True)
    open_notebook(page, nb7_server.notebook_url(name))
    expect_read_only_snapshot(page, "saved for notebook 7")
    check_page_errors(page, allowed=NB7_KNOWN_PAGE_ERRORS)
