"""Apps served by the Jupyter server extension, in Chromium, inside JupyterLab's server.

A user logged in to JupyterLab (the token URL sets Jupyter's login cookie) opens
``/pywebio/apps/<notebook>.ipynb`` and ``/pywebio/apps/<file>.py`` in a new tab of
the same browser (what "Open as PyWebIO app" does) and answers the input there. A
browser without Jupyter's login gets 403 and a link to the login page, and no app
session starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from _jupyter import JupyterServer, jupyter_server

TIMEOUT = 15_000

APP_PY = """
from pywebio_nb.input import input
from pywebio_nb.output import put_text

def main():
    \"\"\"Script greeter\"\"\"
    put_text("py says " + input("Script name"))
"""


def _code(source: str, tags: list[str] | None = None) -> dict[str, Any]:
    metadata = {"tags": tags} if tags else {}
    return {"cell_type": "code", "metadata": metadata, "source": source, "outputs": []}


NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Notebook greeter"},
        _code("from pywebio_nb.input import input\nfrom pywebio_nb.output import put_text"),
        _code("put_text('left out of the app')", tags=["skip-app"]),
        _code("name = input('Notebook name')\nput_text('notebook says ' + name)"),
    ],
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    with jupyter_server("lab", tmp_path_factory.mktemp("openapp")) as server:
        (server.root / "greeter.py").write_text(APP_PY)
        (server.root / "my apps").mkdir()
        (server.root / "my apps" / "greeter.ipynb").write_text(json.dumps(NOTEBOOK))
        yield server


def _log_in(page: Any, lab: JupyterServer) -> None:
    """Open JupyterLab with the token, as a user does; Jupyter sets its login cookie."""
    page.goto(f"{lab.base_url}/lab?token={lab.token}")
    page.wait_for_function("() => !!window.jupyterapp && !!window.jupyterapp.shell", timeout=30_000)


def _answer(tab: Any, label: str, value: str, expected: str) -> None:
    root = "#pywebio-nb-root"
    tab.get_by_text(label).wait_for(timeout=TIMEOUT)
    tab.locator(f"{root} input[name=data]").fill(value)
    tab.locator(f"{root} button[type=submit]", has_text="Submit").click()
    tab.get_by_text(expected).wait_for(timeout=TIMEOUT)


APPS = [
    ("my%20apps/greeter.ipynb", "Notebook greeter", "Notebook name", "notebook says Ann"),
    ("greeter.py", "Script greeter", "Script name", "py says Ann"),
]


def test_open_apps_in_new_tabs_and_answer(page: Any, lab: JupyterServer) -> None:
    _log_in(page, lab)
    for path, title, label, expected in APPS:
        # A new tab from JupyterLab's page, as "Open as PyWebIO app" opens it: no token
        # in the URL, Jupyter's cookie authenticates the page, its scripts and WebSocket.
        with page.context.expect_page() as opened:
            page.evaluate("(url) => window.open(url, '_blank')", f"/pywebio/apps/{path}")
        tab = opened.value
        errors: list[str] = []
        tab.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        _answer(tab, label, "Ann", expected)
        assert tab.title() == title
        assert "left out of the app" not in tab.locator("#pywebio-nb-root").inner_text()
        assert not errors, (path, errors)
        tab.close()


def test_app_url_refused_without_jupyter_login(browser: Any, lab: JupyterServer) -> None:
    context = browser.new_context()  # a browser that never logged in
    try:
        tab = context.new_page()
        websockets: list[str] = []
        tab.on("websocket", lambda ws: websockets.append(ws.url))
        response = tab.goto(f"{lab.base_url}/pywebio/apps/greeter.py")
        assert response is not None and response.status == 403
        link = tab.get_by_text("Log in to Jupyter")
        assert link.is_visible()
        assert "next=%2Fpywebio%2Fapps%2Fgreeter.py" in (link.get_attribute("href") or "")
        assert tab.locator("#pywebio-nb-root").count() == 0 and not websockets
        # The login link leads to Jupyter's login page.
        link.click()
        tab.wait_for_url("**/login?next=*", timeout=TIMEOUT)
    finally:
        context.close()
