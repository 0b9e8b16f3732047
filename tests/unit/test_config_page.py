"""config() and the app page: precedence, docstring title, themes, escaping, cdn base URL."""

from __future__ import annotations

import html.parser
from collections.abc import Iterator
from typing import Any

import pytest

from pywebio_nb.platform import _config
from pywebio_nb.platform._apps import app_title
from pywebio_nb.platform._config import PageConfig, config, docstring_meta, page_config_of
from pywebio_nb.platform._page import render_app_page, render_page, static_base_url


@pytest.fixture(autouse=True)
def _clean_global(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("PYWEBIO_THEME", raising=False)
    previous = _config._GLOBAL.set(PageConfig())
    yield
    _config._GLOBAL.set(previous)


class _Parsed(html.parser.HTMLParser):
    """The tags of a page and the raw text of its script and style elements."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, str]] = []
        self._open: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] in ("script", "style", "title"):
            self.texts.append((self._open[-1], data))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


# ------------------------------------------------------------------ docstrings
@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            "Application title\n\n    Application description...\n    more",
            ("Application title", "Application description...\nmore"),
        ),
        ("Only a title", ("Only a title", "")),
        ("\n\n   Spaced title\t\n   next line\n\n   Desc\n", ("Spaced title", "Desc")),
        ("   ", ("", "")),
        (None, ("", "")),
    ],
)
def test_docstring_meta(doc: str | None, expected: tuple[str, str]) -> None:
    def app() -> None: ...

    app.__doc__ = doc
    assert docstring_meta(app) == expected


# -------------------------------------------------------------- config() forms
def test_decorator_configures_only_its_app_and_returns_the_function() -> None:
    def plain() -> None: ...

    @config(title="Mine", css_style="* { color:red }")
    def decorated() -> None:
        """Doc title"""

    assert callable(decorated) and decorated.__name__ == "decorated"
    assert page_config_of(decorated).title == "Mine"
    assert page_config_of(decorated).css_style == "* { color:red }"
    assert page_config_of(plain) == PageConfig(
        title="PyWebIO application", description="", theme="default"
    )


def test_direct_call_is_global_even_when_its_result_is_kept() -> None:
    kept = config(title="Global", theme="minty", js_file="a.js")

    def app() -> None: ...

    cfg = page_config_of(app)
    assert (cfg.title, cfg.theme, cfg.js_file) == ("Global", "minty", ("a.js",))
    assert kept is not None


def test_precedence_app_then_docstring_then_global() -> None:
    config(title="Global title", description="Global desc", theme="yeti", css_file=["g.css"])

    @config(description="App desc")
    def app() -> None:
        """Doc title

        Doc desc
        """

    def undocumented() -> None: ...

    cfg = page_config_of(app)
    assert (cfg.title, cfg.description, cfg.theme, cfg.css_file) == (
        "Doc title",
        "App desc",
        "yeti",
        ("g.css",),
    )
    assert page_config_of(undocumented).title == "Global title"
    # the decorator did not replace the global configuration
    assert _config._GLOBAL.get().title == "Global title"


def test_stacked_decorators_merge() -> None:
    @config(title="Outer", theme="dark")
    @config(title="Inner", js_code="x=1")
    def app() -> None: ...

    cfg = page_config_of(app)
    assert (cfg.title, cfg.theme, cfg.js_code) == ("Outer", "dark", "x=1")
    config(theme="yeti")(app)  # applied again: the latest call wins
    assert (page_config_of(app).theme, page_config_of(app).title) == ("yeti", "Outer")


def test_env_theme_wins_and_unknown_names_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    @config(theme="minty")
    def app() -> None: ...

    monkeypatch.setenv("PYWEBIO_THEME", "sketchy")
    assert page_config_of(app).theme == "sketchy"
    monkeypatch.setenv("PYWEBIO_THEME", "nope")  # a warning, then the configured one
    assert page_config_of(app).theme == "minty"
    with pytest.raises(ValueError, match=r"unknown theme 'purple'.*dark, sketchy"):
        config(theme="purple")
    with pytest.raises(TypeError, match="js_file"):
        config(js_file=["a.js", 3])  # type: ignore[list-item]


def test_app_title_of_the_index_uses_config_then_docstring() -> None:
    @config(title="Configured")
    def a() -> None:
        """Doc"""

    def b() -> None:
        """Doc of b"""

    assert (app_title(a), app_title(b), app_title(None, "x")) == ("Configured", "Doc of b", "x")


# ---------------------------------------------------------------- page content
def test_page_carries_title_description_theme_files_and_code() -> None:
    @config(
        theme="dark",
        js_file=["https://example.com/a.js", "/static/b.js"],
        css_file="/static/c.css",
        css_style="p{color:red}",
        js_code="window.x = 1;",
    )
    def app() -> None:
        """My <app>

        Does "things" & more
        """

    page = _Parsed(render_app_page(app, "app", "/_pywebio_nb/"))
    assert ("title", "My <app>") in page.texts
    assert {"name": "description", "content": 'Does "things" & more'} in page.all("meta")
    links = page.all("link")
    theme = [link for link in links if "/themes/" in str(link.get("href"))]
    assert len(theme) == 1 and str(theme[0]["href"]).startswith("/_pywebio_nb/themes/dark.css?v=")
    assert theme[0]["rel"] == "stylesheet" and "data-pywebio-nb-shadow" in theme[0]
    assert {"rel": "stylesheet", "href": "/static/c.css", "data-pywebio-nb-shadow": None} in links
    scripts = page.all("script")
    assert str(scripts[0]["src"]).startswith("/_pywebio_nb/page.js?v=")
    assert [s["src"] for s in scripts if "defer" in s] == [
        "https://example.com/a.js",
        "/static/b.js",
    ]
    assert ("style", "p{color:red}") in page.texts
    assert ("script", "window.x = 1;") in page.texts


def test_default_theme_adds_no_request_and_no_script() -> None:
    def app() -> None: ...

    page = _Parsed(render_app_page(app, "app", "/_pywebio_nb/"))
    assert [link["rel"] for link in page.all("link")] == ["icon"]
    assert len(page.all("script")) == 1


@pytest.mark.parametrize(
    "payload",
    [
        "</script><script>alert(1)</script>",
        "</SCRIPT ><img src=x onerror=alert(1)>",
        "<!--<script>",
        "'</scr' + 'ipt>'; s = '</script>'",
    ],
)
def test_js_code_cannot_break_out_of_its_script(payload: str) -> None:
    page = _Parsed(render_page("t", "/p.js", config=PageConfig(js_code=payload)))
    # exactly the two scripts (bundle and ours), no other element injected
    assert [
        t
        for t, _ in page.tags
        if t not in ("html", "head", "meta", "title", "link", "style", "body", "div")
    ] == ["script", "script"]
    code = [text for tag, text in page.texts if tag == "script"]
    assert len(code) == 1
    # the JS meaning is kept: `<\/` is `</` inside a string literal
    assert code[0].replace("<\\/", "</").replace("<\\!--", "<!--") == payload


@pytest.mark.parametrize(
    "payload", ["</style><script>alert(1)</script>", "a{}</StYlE><b>x</b>", "<!--</style>"]
)
def test_css_style_cannot_close_its_style(payload: str) -> None:
    page = _Parsed(render_page("t", "/p.js", config=PageConfig(css_style=payload)))
    assert not any(t in ("b", "img") for t, _ in page.tags)
    assert len(page.all("script")) == 2  # the bundle and the shadow-styles script only
    styles = [text for tag, text in page.texts if tag == "style"]
    assert styles[-1].replace("<\\/", "</").replace("<\\!--", "<!--") == payload


def test_urls_and_title_are_attribute_escaped() -> None:
    evil = '"><script>alert(1)</script>'
    page_html = render_page(
        f"{evil}</title>",
        f"/p.js?{evil}",
        evil,
        config=PageConfig(js_file=(evil,), css_file=(evil,)),
        theme_url=evil,
    )
    page = _Parsed(page_html)
    assert ("title", f"{evil}</title>") in page.texts
    assert all(s.get("src") in (f"/p.js?{evil}", evil, None) for s in page.all("script"))
    assert "<script>alert(1)" not in page_html


# ----------------------------------------------------------------------- cdn
@pytest.mark.parametrize(
    ("cdn", "expected"),
    [
        (True, "/_pywebio_nb/"),
        (False, "/_pywebio_nb/"),
        ("http://127.0.0.1:9/static", "http://127.0.0.1:9/static/"),
        ("https://cdn.example.com/nb/", "https://cdn.example.com/nb/"),
    ],
)
def test_static_base_url(cdn: Any, expected: str) -> None:
    assert static_base_url(cdn, "/_pywebio_nb/") == expected


def test_cdn_page_loads_bundle_and_theme_from_the_base_url() -> None:
    @config(theme="yeti")
    def app() -> None: ...

    page = _Parsed(render_app_page(app, "app", "http://127.0.0.1:9/s/"))
    assert str(page.all("script")[0]["src"]).startswith("http://127.0.0.1:9/s/page.js?v=")
    assert any(
        str(link.get("href")).startswith("http://127.0.0.1:9/s/themes/yeti.css")
        for link in page.all("link")
    )
