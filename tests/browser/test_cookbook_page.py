"""The manual's Cookbook recipes on the server page in Chromium.

"Press any key to continue" (``actions(buttons=["Continue"])``), a new Prism
language for ``put_code`` through ``config(js_file=...)`` (a component served
locally: it runs once the renderer's Prism is there), Google-Analytics-style
``config(js_code=...)`` and "Refresh page on connection lost"
(``WebIO._state.CurrentSession.on_session_close``). pandas and matplotlib:
tests/browser/test_charts_page.py.
"""

from __future__ import annotations

import pathlib
from typing import Any

import pytest

from pywebio_nb import config
from pywebio_nb.input import actions
from pywebio_nb.output import put_code, put_text
from pywebio_nb.session import run_js

#: A Prism language component as prismjs ships them: it extends the global Prism.
COMPONENT = "Prism.languages.pwnbtest = { keyword: /\\bhello\\b/, number: /\\b\\d+\\b/ };"
#: The manual's Google Analytics snippet (its js_file is Google's, left out offline).
GA_CODE = """
window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('js', new Date());
gtag('config', 'G-xxxxxxx');
"""
REFRESH = (
    "WebIO._state.CurrentSession.on_session_close(()=>{setTimeout(()=>location.reload(), 50)})"
)


@pytest.fixture
def static_dir(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "prism-pwnbtest.min.js").write_text(COMPONENT)
    return tmp_path


@config(js_file="/static/prism-pwnbtest.min.js", js_code=GA_CODE)
def cookbook() -> None:
    put_code("hello 42", language="pwnbtest")
    put_code("+ AAA\n- BBB", language="diff")
    actions(buttons=["Continue"])  # press any key to continue
    put_text("continued")
    run_js(REFRESH)
    actions(buttons=["End"])  # the app ends: its session closes, the page reloads


def test_cookbook_recipes(page: Any, serve: Any, static_dir: pathlib.Path) -> None:
    server = serve(cookbook, static_dir=str(static_dir))
    page.goto(server.url)
    root = page.locator("#pywebio-nb-root")
    root.locator("code.language-pwnbtest .token.keyword").wait_for(timeout=10_000)
    assert root.locator("code.language-pwnbtest .token.number").text_content() == "42"
    assert root.locator("code.language-diff .token.inserted-sign").count() == 1
    assert page.evaluate("() => window.dataLayer.length") == 2
    root.get_by_role("button", name="Continue").click()
    root.get_by_text("continued").wait_for(timeout=10_000)
    page.evaluate("() => { window.__before_reload = true; }")
    with page.expect_navigation(timeout=10_000):
        root.get_by_role("button", name="End").click()
    # A new page, a new session: the app runs again.
    root.locator("code.language-pwnbtest .token.keyword").wait_for(timeout=10_000)
    assert page.evaluate("() => window.__before_reload") is None
    assert page.page_errors == []
