"""Pin widgets on the server page in Chromium: typed into, clicked, read back by the
app, and the manual's markdown previewer following keystrokes."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from pywebio_nb.output import put_buttons, put_markdown, put_text, use_scope
from pywebio_nb.pin import (
    pin,
    pin_wait_change,
    put_actions,
    put_checkbox,
    put_input,
    put_select,
    put_slider,
    put_textarea,
)
from pywebio_nb.platform.tornado import ServerHandle

WAIT = 10_000


def pins_app() -> None:
    put_input("name", label="Name")
    put_select("color", options=["red", "green", "blue"], label="Colour")
    put_checkbox("opts", options=["A", "B"], label="Options")
    put_slider("level", value=10, label="Level")
    put_actions("act", buttons=["Go"], label="Action")

    def read(_: Any) -> None:
        put_text(f"read: {pin.name!r} {pin.color!r} {pin.opts!r} {pin.level!r} {pin.act!r}")

    put_buttons(["Read"], read)
    put_textarea("md_text", rows=4, label="Markdown")
    while True:
        change = pin_wait_change("md_text")
        with use_scope("md", clear=True):
            put_markdown(change["value"])


@pytest.fixture
def server(serve: Any) -> ServerHandle:
    return serve(pins_app)


def test_type_into_pin_widgets_and_read_them_back(page: Any, server: ServerHandle) -> None:
    page.goto(server.url)
    root = "#pywebio-nb-root"
    name = page.locator(f"{root} input[name=name]")
    name.wait_for(timeout=WAIT)
    name.fill("Ada")
    page.locator(f"{root} select[name=color]").select_option(label="blue")
    page.locator(f"{root} .form-check", has_text="B").locator("input").check()
    page.locator(f"{root} input[type=range]").fill("42")
    page.locator(f"{root} button", has_text="Go").click()
    page.locator(f"{root} button", has_text="Read").click()
    page.get_by_text("read: 'Ada' 'blue' ['B'] 42 'Go'").wait_for(timeout=WAIT)

    # the markdown previewer: every keystroke reaches the loop; the preview ends on the text
    editor = page.locator(f"{root} textarea[name=md_text]")
    editor.click()
    editor.press_sequentially("# Live *preview*", delay=5)
    heading = page.locator(f"{root} #pywebio-scope-md h1")
    # each change re-renders the scope: a new <h1>, so the locator is re-queried
    expect(heading).to_have_text("Live preview", timeout=WAIT)
    expect(heading.locator("em")).to_have_text("preview")
    assert page.page_errors == []
