"""config(theme=...) and cdn=URL on the server page in Chromium.

Each theme renders a small app (a screenshot of each goes to test-artifacts/);
a non-default theme costs exactly one more request than the default page; the
dark theme gives light text on a dark page, in inputs too. With ``cdn`` set to
a second loopback server, the bundle and its lazy chunks come from there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import tornado.web
from conftest import ARTIFACTS, STATIC

from pywebio_nb.input import input
from pywebio_nb.output import put_buttons, put_code, put_text
from pywebio_nb.platform import config
from pywebio_nb.platform._server import ServerHandle, make_application, start_in_thread

THEMES = ["default", "dark", "sketchy", "minty", "yeti"]


def _luminance(css_rgb: str) -> float:
    """Relative luminance (0 black .. 1 white) of a computed ``rgb(...)``/``rgba(...)``."""
    parts = css_rgb[css_rgb.index("(") + 1 : css_rgb.index(")")].split(",")
    r, g, b = (float(p) / 255 for p in parts[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


_STYLES = """(selector) => {
  const root = document.querySelector('#pywebio-nb-root');
  const el = root.shadowRoot.querySelector(selector);
  const cs = getComputedStyle(el);
  return {color: cs.color, bg: cs.backgroundColor, font: cs.fontFamily};
}"""


def _app() -> None:
    put_text("Themed text")
    put_buttons(["Primary"], onclick=lambda _: None)
    input("Your name", placeholder="type here")


@pytest.mark.parametrize("theme", THEMES)
def test_each_theme_renders(page: Any, serve: Any, theme: str) -> None:
    server = serve(config(theme=theme)(_app))
    requests: list[Any] = []
    page.on("requestfinished", lambda r: requests.append(r))
    page.goto(server.url)
    root = page.locator("#pywebio-nb-root")
    root.get_by_text("Themed text").wait_for(timeout=10_000)
    root.locator("input.form-control").wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")
    urls = [r.url for r in requests]
    theme_urls = [u for u in urls if "/themes/" in u]
    # page, page.js, its eager chunk: the default; one more (the theme) otherwise
    assert theme_urls == (
        [] if theme == "default" else [u for u in urls if f"/themes/{theme}.css" in u]
    )
    assert len(theme_urls) <= 1, urls
    host = page.evaluate(
        "() => getComputedStyle(document.querySelector('#pywebio-nb-root')).backgroundColor"
    )
    body = page.evaluate(_STYLES, ".pywebio-nb")
    field = page.evaluate(_STYLES, "input.form-control")
    button = page.evaluate(_STYLES, "button.btn")
    if theme == "dark":
        assert host.startswith("rgb(") and _luminance(host) < 0.25, host  # opaque, dark page
        assert _luminance(body["color"]) > 0.7, body  # light text
        assert abs(_luminance(field["color"]) - _luminance(field["bg"])) > 0.5, field
    elif theme == "default":
        assert _luminance(body["color"]) < 0.2, body
    if theme == "sketchy":
        # Neucha comes inlined in the theme file (no web font request), and is used
        assert body["font"].startswith("Neucha"), body
        page.wait_for_function(
            "() => [...document.fonts].some(f => f.family.includes('Neucha')"
            " && f.status === 'loaded')",
            timeout=10_000,
        )
    assert button["bg"] != "rgba(0, 0, 0, 0)", button
    left = page.evaluate(
        "() => document.querySelector('#pywebio-nb-root').shadowRoot"
        ".querySelector('.pywebio-nb').getBoundingClientRect().left"
    )
    assert left > 100, left  # the theme keeps the page's centred column
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"theme-{theme}.png"), full_page=True)
    assert page.page_errors == []


def test_themes_differ_in_their_primary_button(page: Any, serve: Any) -> None:
    colours = {}
    for theme in THEMES:
        server = serve(config(theme=theme)(lambda: put_buttons(["Go"], onclick=lambda _: None)))
        page.goto(server.url)
        page.locator("#pywebio-nb-root").locator("button.btn").wait_for(timeout=10_000)
        colours[theme] = page.evaluate(_STYLES, "button.btn")["bg"]
    assert len(set(colours.values())) == len(THEMES), colours


class _CorsStatic(tornado.web.StaticFileHandler):
    """The frontend files as a CDN would serve them: another origin, CORS allowed."""

    def set_default_headers(self) -> None:
        self.set_header("Access-Control-Allow-Origin", "*")


@pytest.fixture
def cdn_server() -> Iterator[ServerHandle]:
    application = make_application([(r"/nb/(.*)", _CorsStatic, {"path": str(STATIC)})])
    handle = start_in_thread(application, host="127.0.0.1")
    try:
        yield handle
    finally:
        handle.stop()


def test_cdn_url_serves_bundle_chunks_and_theme_from_another_origin(
    page: Any, serve: Any, cdn_server: ServerHandle
) -> None:
    cdn = f"http://127.0.0.1:{cdn_server.port}/nb/"

    @config(theme="minty")
    def app() -> None:
        put_code("def f():\n    return 1", language="python")  # a lazy chunk (Prism)

    server = serve(app, cdn=cdn)
    assert server.port != cdn_server.port
    requests: list[Any] = []
    page.on("requestfinished", lambda r: requests.append(r))
    page.goto(server.url)
    page.locator("#pywebio-nb-root").locator(".token.keyword", has_text="def").wait_for(
        timeout=10_000
    )
    urls = [r.url for r in requests]
    from_cdn = [u for u in urls if u.startswith(cdn)]
    assert any("/page.js" in u for u in from_cdn), urls
    assert any("/chunks/prism" in u for u in from_cdn), urls
    assert any("/themes/minty.css" in u for u in from_cdn), urls
    assert not any("/_pywebio_nb/" in u for u in urls), urls
    assert page.page_errors == []
