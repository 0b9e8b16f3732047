"""pywebio_nb.session on the server page in Chromium: download() saves a file (the
manual's example), info.user_agent is the real browser's, set_env's keys change the
page, and closing the tab runs defer_call and ends a pending input."""

from __future__ import annotations

import pathlib
import threading
from typing import Any

from pywebio_nb.exceptions import SessionClosedException
from pywebio_nb.input import input as input_
from pywebio_nb.output import put_button, put_text
from pywebio_nb.session import defer_call, download, info, set_env

TIMEOUT = 15_000


def test_download_saves_the_file_in_the_browser(page: Any, serve: Any) -> None:
    content = bytes(range(256)) * 5000  # 1.28 MB: two binary frames

    def app() -> None:
        put_button(
            "Click to download", onclick=lambda: download("hello-world.txt", b"hello world!")
        )
        put_button("Big", onclick=lambda: download("data.bin", content))

    server = serve(app)
    page.goto(server.url)
    for label, name, expected in [
        ("Click to download", "hello-world.txt", b"hello world!"),
        ("Big", "data.bin", content),
    ]:
        with page.expect_download(timeout=TIMEOUT) as info_:
            page.get_by_role("button", name=label).click()
        download_ = info_.value
        assert download_.suggested_filename == name
        assert pathlib.Path(download_.path()).read_bytes() == expected
    assert page.page_errors == []


def test_info_user_agent_is_the_browsers(page: Any, serve: Any) -> None:
    def app() -> None:
        agent = info.user_agent
        put_text(f"ua={agent.ua_string}")
        put_text(f"family={agent.browser.family} pc={agent.is_pc} mobile={agent.is_mobile}")
        put_text(f"backend={info.backend} protocol={info.protocol} ip={info.user_ip}")

    server = serve(app)
    page.goto(server.url)
    expected_ua = page.evaluate("navigator.userAgent")
    page.get_by_text("ua=").wait_for(timeout=TIMEOUT)
    text = page.locator(".pywebio-nb").inner_text()
    assert f"ua={expected_ua}" in text
    # Headless Chromium says "HeadlessChrome", which user_agents reports as such.
    assert "family=HeadlessChrome pc=True mobile=False" in text or (
        "family=Chrome pc=True mobile=False" in text
    ), text
    assert "backend=tornado protocol=websocket ip=127.0.0.1" in text


def test_set_env_changes_the_page(page: Any, serve: Any) -> None:
    def app() -> None:
        set_env(
            title="Awesome PyWebIO!!",
            output_max_width="600px",
            auto_scroll_bottom=True,
            input_panel_fixed=True,
            input_panel_min_height=100,
            input_panel_init_height=250,
        )
        for i in range(200):
            put_text(f"line {i}")
        input_("name")

    server = serve(app)
    page.goto(server.url)
    page.locator("input").first.wait_for(timeout=TIMEOUT)
    assert page.title() == "Awesome PyWebIO!!"
    panel = page.evaluate(
        """() => {
          const host = [...document.querySelectorAll('*')].find((e) => e.shadowRoot);
          const forms = host.shadowRoot.querySelector('.pywebio-forms');
          const box = forms.getBoundingClientRect();
          return {
            width: getComputedStyle(host.shadowRoot.querySelector('.pywebio-nb')).maxWidth,
            position: getComputedStyle(forms).position,
            bottom: Math.round(box.bottom), viewport: innerHeight,
            height: Math.round(box.height),
            scrolled: scrollY > 0,
          };
        }"""
    )
    assert panel["width"] == "600px", panel
    assert panel["position"] == "sticky"
    assert panel["bottom"] <= panel["viewport"]  # stuck to the window's bottom
    assert 100 <= panel["height"] <= 250
    assert panel["scrolled"], "auto_scroll_bottom did not scroll to the bottom"


def test_closing_the_tab_runs_defer_call_and_ends_the_pending_input(
    browser: Any, serve: Any
) -> None:
    events: list[str] = []
    both = threading.Event()

    def record(what: str) -> None:
        events.append(what)
        if len(events) == 2:
            both.set()

    def app() -> None:
        defer_call(lambda: record("defer_call"))
        try:
            input_("never answered")
        except SessionClosedException:
            record("SessionClosedException")

    server = serve(app)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url)
        page.locator("input").first.wait_for(timeout=TIMEOUT)
        page.close()
        assert both.wait(TIMEOUT / 1000), events
    finally:
        context.close()
    assert sorted(events) == ["SessionClosedException", "defer_call"]


def test_input_takes_the_focus_unless_set_env_turns_it_off(page: Any, serve: Any) -> None:
    def app() -> None:
        input_("first")
        set_env(input_auto_focus=False)
        input_("second")

    focused = """(label) => {
      const root = [...document.querySelectorAll('*')].find((e) => e.shadowRoot).shadowRoot;
      const active = root.activeElement;
      // (the forms panel itself holds the focus once an answered form is removed)
      return active?.closest('.pywebio-form')?.textContent.includes(label) === true;
    }"""
    server = serve(app)
    page.goto(server.url)
    page.get_by_label("first").wait_for(timeout=TIMEOUT)
    page.wait_for_function(focused, arg="first", timeout=TIMEOUT)
    page.keyboard.type("typed without a click")
    assert page.get_by_label("first").input_value() == "typed without a click"
    page.keyboard.press("Enter")
    page.get_by_label("second").wait_for(timeout=TIMEOUT)
    # The form focuses its item in a zero-delay timer queued when it was built (before
    # the label was visible); a zero-delay timer queued now runs after that one.
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")
    assert page.evaluate(focused, "second") is False
    assert page.page_errors == []
