"""pywebio_nb.battery on the server page in Chromium: a logbox fed 10,000 lines in a
loop renders them all quickly, scrolled to the bottom, and the page stays usable; the
localStorage and cookie functions round-trip through the real browser's storage."""

from __future__ import annotations

from typing import Any

from pywebio_nb.battery import (
    get_cookie,
    get_localstorage,
    logbox_append,
    put_logbox,
    set_cookie,
    set_localstorage,
)
from pywebio_nb.output import put_button, put_text

TIMEOUT = 15_000
LINES = 10_000

#: Click the button ``label`` in the page's shadow root, then resolve with the ms until
#: the logbox ends with ``last`` and a frame was painted after that.
CLICK_AND_TIME = """
async ([label, last]) => {
  const root = document.getElementById("pywebio-nb-root").shadowRoot;
  const box = root.querySelector("pre.pywebio-logbox");
  const button = [...root.querySelectorAll("button")].find((b) => b.textContent === label);
  const started = performance.now();
  button.click();
  await new Promise((resolve) => {
    const done = () => box.textContent.endsWith(last);
    if (done()) return resolve();
    new MutationObserver((_, observer) => {
      if (done()) { observer.disconnect(); resolve(); }
    }).observe(box, { childList: true });
  });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return performance.now() - started;
}
"""


def test_ten_thousand_logbox_lines_render_fast_and_keep_bottom(page: Any, serve: Any) -> None:
    def fill() -> None:
        for i in range(LINES):
            logbox_append("log", f"line {i}\n")

    def app() -> None:
        put_logbox("log", height=300)
        put_button("Fill", onclick=fill)
        put_button("Ping", onclick=lambda: put_text("pong"))

    server = serve(app)
    page.goto(server.url)
    page.get_by_role("button", name="Fill").wait_for(timeout=TIMEOUT)
    elapsed = page.evaluate(CLICK_AND_TIME, ["Fill", f"line {LINES - 1}\n"])
    print(f"\n{LINES} logbox_append calls rendered in Chromium in {elapsed:.0f} ms")
    box = page.locator("pre.pywebio-logbox")
    text = box.evaluate("(b) => b.textContent")
    assert text == "".join(f"line {i}\n" for i in range(LINES))
    # keep_bottom: the box shows its end (one scroll per frame, after the burst)
    page.wait_for_function(
        """() => {
          const b = document.getElementById("pywebio-nb-root").shadowRoot
            .querySelector("pre.pywebio-logbox");
          const bottom = b.scrollTop + b.clientHeight >= b.scrollHeight - 2;
          return b.scrollHeight > b.clientHeight && bottom;
        }""",
        timeout=TIMEOUT,
    )
    # still responsive: a click after the burst answers
    page.get_by_role("button", name="Ping").click()
    page.get_by_text("pong").wait_for(timeout=TIMEOUT)
    assert elapsed < 10_000, f"{LINES} appends took {elapsed:.0f} ms to render"
    assert page.page_errors == []


def test_localstorage_and_cookie_round_trip_in_the_browser(page: Any, serve: Any) -> None:
    def app() -> None:
        set_localstorage("battery-key", "stored value")
        set_cookie("battery cookie", "a=b; c", days=1)
        put_text(f"local: {get_localstorage('battery-key')}")
        put_text(f"cookie: {get_cookie('battery cookie')}")
        put_text(f"missing: {get_localstorage('nope')} {get_cookie('nope')}")

    server = serve(app)
    page.goto(server.url)
    page.get_by_text("missing:").wait_for(timeout=TIMEOUT)
    text = page.locator(".pywebio-nb").inner_text()
    assert "local: stored value" in text
    assert "cookie: a=b; c" in text
    assert "missing: None None" in text
    # the browser really holds them (not a copy kept by the session)
    assert page.evaluate("localStorage.getItem('battery-key')") == "stored value"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["battery%20cookie"]["value"] == "a%3Db%3B%20c"
    assert cookies["battery%20cookie"]["path"] == "/"
    assert cookies["battery%20cookie"]["expires"] > 0
    assert page.page_errors == []
