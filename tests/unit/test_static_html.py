"""jupyter._static_html: the static HTML and the snapshot a saved notebook keeps of a root."""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywebio_nb import pin
from pywebio_nb.input import input as pw_input
from pywebio_nb.jupyter._static_html import (
    SNAPSHOT_MIME,
    Limits,
    display_entries,
    plain_text,
    render_html,
    snapshot_data,
)
from pywebio_nb.jupyter._widget import DisplayRefresher
from pywebio_nb.output import (
    popup,
    put_buttons,
    put_code,
    put_collapse,
    put_column,
    put_file,
    put_grid,
    put_html,
    put_image,
    put_info,
    put_link,
    put_loading,
    put_markdown,
    put_processbar,
    put_row,
    put_scope,
    put_scrollable,
    put_table,
    put_tabs,
    put_text,
    put_widget,
    span,
    toast,
    use_scope,
)
from pywebio_nb.protocol import make_command, scope_selector

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


class _Markup(HTMLParser):
    """Everything a browser would make of the HTML: tags, attributes, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


#: Every attribute the renderer writes (nh3 keeps a subset of these on user HTML).
_ATTRIBUTES = {
    "class", "style", "href", "src", "alt", "title", "target", "rel", "download", "role",
    "disabled", "value", "placeholder", "type", "checked", "selected", "multiple", "rows",
    "min", "max", "step", "open", "rowspan", "colspan",
}  # fmt: skip


def parse(markup: str) -> _Markup:
    parser = _Markup()
    parser.feed(markup)
    parser.close()
    return parser


def assert_inert(markup: str) -> _Markup:
    """No script, no event handler, no script URL; one style element (ours)."""
    parsed = parse(markup)
    tags = [tag for tag, _ in parsed.tags]
    assert "script" not in tags
    assert tags.count("style") == 1
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name == "style" and value:
                assert "expression" not in value and "url(" not in value, value
            if name in ("href", "src", "action", "formaction") and value:
                assert not value.strip().lower().startswith(("javascript:", "vbscript:")), value
                if value.startswith("data:"):
                    assert value.startswith(("data:image/", "data:application/octet-stream")), value
    return parsed


def snapshot_of(run: Any) -> tuple[list[Any], list[Any]]:
    session = run.session
    with session._lock:
        commands = session.page.snapshot("page") + session.page.open_requests("page")
        blobs = session.blobs.referenced(commands)
    return commands, blobs


def shown(run_app: Callable[..., Any], body: Callable[[], None], *, form: bool = False) -> Any:
    """Run ``body`` in an app and return the run once its output is in the page model."""
    done = threading.Event()

    def app() -> None:
        body()
        done.set()
        if form:
            pw_input("Your name", placeholder=XSS, help_text="help " + XSS)

    run = run_app(app)
    if form:
        run.wait_form()
    else:
        assert done.wait(5)
    return run


# ------------------------------------------------------------------ every output kind
def _everything() -> None:
    put_text("plain <b>text</b>")
    put_markdown("# Title\n\n**bold** and [a link](https://example.com)")
    put_html("<i>italic</i>")
    put_code("x = 1 < 2", language="python")
    put_table([["Name", "Value"], ["cell", put_text("nested")]])
    put_buttons(["Alpha", "Beta"], onclick=lambda _: None)
    put_image(PNG, title="the image")
    put_image("https://example.com/a.png")
    put_file("data.csv", b"a,b\n1,2\n", label="Download data")
    put_link("PyWebIO", "https://pywebio.readthedocs.io", new_window=True)
    put_processbar("bar", 0.25)
    put_loading()
    put_row([put_text("left"), None, put_text("right")])
    put_column([put_text("top"), put_text("bottom")])
    put_grid([[put_text("g1"), put_text("g2")], [span(put_text("g3"), col=2)]])
    put_scope("named", [put_text("in a scope")])
    put_collapse("More", [put_text("hidden detail")])
    put_scrollable([put_text("scrolled")], height=100, keep_bottom=True)
    put_tabs([{"title": "Tab A", "content": "pane a"}, {"title": "Tab B", "content": "pane b"}])
    put_info("an info box")
    put_widget(
        "<b>{{x}}</b>{{#contents}}{{& pywebio_output_parse}}{{/contents}}",
        {"x": 1, "contents": [put_text("widget child")]},
    )
    pin.put_input("who", label="Who", value="Ada")
    pin.put_select("pick", label="Pick", options=["one", "two"], value="two")
    pin.put_checkbox("tick", label="Tick", options=["c1", "c2"], value=["c2"])
    pin.put_slider("level", label="Level", value=30)
    pin.put_input("secret", label="Secret", type="password", value="hunter2")
    with use_scope("later"):
        put_text("scope content")
    popup("A popup", "popup body")
    toast("a toast")


def test_every_output_kind_is_drawn(run_app: Any) -> None:
    run = shown(run_app, _everything, form=True)
    commands, blobs = snapshot_of(run)
    markup = render_html(commands, blobs)
    parsed = assert_inert(markup)
    text = "".join(parsed.text)
    for expected in (
        "plain <b>text</b>",
        "Title",
        "bold",
        "italic",
        "x = 1 < 2",
        "Name",
        "nested",
        "Alpha",
        "Beta",
        "Download data",
        "PyWebIO",
        "25%",
        "left",
        "right",
        "top",
        "bottom",
        "g3",
        "in a scope",
        "More",
        "hidden detail",
        "scrolled",
        "Tab A",
        "pane a",
        "Tab B",
        "pane b",  # every pane is visible
        "an info box",
        "widget child",
        "Who",
        "Pick",
        "Level",
        "scope content",
        "Your name",
        "was waiting for an answer",
    ):
        assert expected in text, expected
    tags = parsed.tags
    # buttons are shown disabled; pins carry their current values
    assert all("disabled" in a for t, a in tags if t == "button")
    assert ("input", {"type": "text", "disabled": None, "value": "Ada"}) in tags
    selected = [t for t in parsed.tags if t[0] == "option" and "selected" in t[1]]
    assert len(selected) == 1
    assert sum(1 for t, a in tags if t == "input" and "checked" in a) == 1
    sliders = [a for t, a in tags if t == "input" and a.get("type") == "range"]
    assert sliders[0]["value"] == "30"
    # a password's value is never written
    assert "hunter2" not in markup
    # the image bytes are embedded; the file is a download link; a URL image stays a URL
    images = [a["src"] for t, a in tags if t == "img"]
    assert f"data:image/png;base64,{base64.b64encode(PNG).decode()}" in images
    assert "https://example.com/a.png" in images
    downloads = [a for t, a in tags if t == "a" and "download" in a]
    assert downloads[0]["download"] == "data.csv"
    assert base64.b64decode(downloads[0]["href"].split(",", 1)[1]) == b"a,b\n1,2\n"
    assert any(t == "details" for t, _ in tags)
    assert any(t == "progress" and a.get("value") == "0.25" for t, a in tags)
    # popups and toasts are left out
    assert "popup body" not in text and "a toast" not in text
    run.session.close()


def test_processbar_shows_its_latest_value(run_app: Any) -> None:
    from pywebio_nb.output import set_processbar

    def body() -> None:
        put_processbar("p", 0.1, label="starting")
        set_processbar("p", 0.8, label="almost")

    commands, blobs = snapshot_of(shown(run_app, body))
    tags = parse(render_html(commands, blobs)).tags
    assert any(t == "progress" and a.get("value") == "0.8" for t, a in tags)
    assert "almost" in render_html(commands, blobs)


# ------------------------------------------------------------------ escaping, sanitizing
def _payloads() -> None:
    put_text(XSS)
    put_html(XSS + '<a href="javascript:alert(3)">js link</a><b>kept bold</b>')
    put_markdown(f"[md link](javascript:alert(4)) {XSS} <svg onload=alert(5)>")
    put_table([[XSS, "h"], [XSS, put_html(XSS)]])
    put_buttons([XSS], onclick=lambda _: None)
    put_tabs([{"title": XSS, "content": XSS}])
    put_collapse(XSS, [put_text(XSS)])
    put_link(XSS, "javascript:alert(6)")
    put_file('a"><script>alert(7)</script>.txt', b"x", label=XSS)
    put_image(PNG, title='" onerror="alert(8)', width='1px"><script>alert(9)</script>')
    put_code("</code></pre>" + XSS)
    put_processbar("bar", 0.5, label=XSS)
    put_row([put_text("a"), put_text("b")], size="1fr; background:url(javascript:alert(10))")
    put_grid([[put_text("g")]], cell_width='10px"><script>alert(11)</script>')
    put_column([put_text("c")], size="expression(alert(12)) url(x)")
    pin.put_input("p", label=XSS, value=XSS, placeholder=XSS, help_text=XSS)
    pin.put_select("s", label=XSS, options=[XSS])
    pin.put_textarea("t", label=XSS, value="</textarea>" + XSS)


@pytest.mark.parametrize("use_nh3", [True, False], ids=["nh3", "text-only"])
def test_xss_payloads_never_become_markup(run_app: Any, use_nh3: bool) -> None:
    run = shown(run_app, _payloads, form=True)
    commands, blobs = snapshot_of(run)
    markup = render_html(commands, blobs, use_nh3=use_nh3)
    parsed = assert_inert(markup)
    text = "".join(parsed.text)
    # text from the app is shown literally, never parsed
    assert text.count(XSS) >= 10
    # payloads in attributes stay attribute values (escaped), never new attributes
    names = {name for _, attrs in parsed.tags for name in attrs}
    assert names <= _ATTRIBUTES, names - _ATTRIBUTES
    values = [str(v) for _, attrs in parsed.tags for v in attrs.values()]
    assert XSS in values and '" onerror="alert(8)' in values
    assert all(tag not in ("svg", "iframe", "object", "embed") for tag, _ in parsed.tags)
    if use_nh3:
        assert "kept bold" in text and ("b", {}) in parsed.tags  # sanitized HTML keeps markup
    else:
        assert "kept bold" in text  # its text only
    run.session.close()


def test_without_nh3_html_becomes_text() -> None:
    command = make_command(
        "output", {"type": "html", "content": "<b>bold</b><script>x()</script>", "sanitize": False}
    )
    markup = render_html([command], use_nh3=False)
    parsed = assert_inert(markup)
    assert "bold" in "".join(parsed.text) and "x()" not in markup
    assert all(tag != "b" for tag, _ in parsed.tags)


# ------------------------------------------------------------------ bounds
def test_blob_bounds_say_what_was_not_saved(run_app: Any) -> None:
    big = PNG + bytes(5000)

    def body() -> None:
        put_image(PNG)
        put_image(big)
        put_file("big.bin", big)

    commands, blobs = snapshot_of(shown(run_app, body))
    limits = Limits(blob_bytes=1000)
    markup = render_html(commands, blobs, limits)
    assert markup.count("data:image/png") == 1
    assert "[image of 5.0 KB: not saved]" in markup
    assert "5.0 KB: not saved" in markup.split("big.bin")[1]
    data = snapshot_data("page", commands, blobs, limits)
    assert data is not None
    assert [c["spec"]["size"] for c in data["commands"] if c["command"] == "blob"] == [len(PNG)]
    texts = [c["spec"].get("content") for c in data["commands"] if c["command"] == "output"]
    assert "[image of 5.0 KB: not saved]" in texts and "[file of 5.0 KB: not saved]" in texts
    # the total bound per root applies too
    total = Limits(blob_bytes=10_000, total_blob_bytes=len(big))
    assert render_html(commands, blobs, total).count("data:image/png") == 1


def test_library_code_is_not_saved() -> None:
    """A chart library's or the code editor's JavaScript travels as a blob to the live
    page; a saved copy never runs scripts, so it leaves them out."""
    from pywebio_nb.session._blobs import BlobStore

    store = BlobStore()
    code = store.add(b"window.lib = 1;" * 100, "text/javascript")
    image = store.add(PNG, "image/png")
    blobs = [store.get(code["blob"]), store.get(image["blob"])]
    commands = [make_command("output", {"type": "image", "src": image, "scope": "#x"})]
    data = snapshot_data("r", commands, [b for b in blobs if b is not None])
    assert data is not None
    saved = [c["spec"]["id"] for c in data["commands"] if c["command"] == "blob"]
    assert saved == [image["blob"]]


def test_html_size_is_bounded() -> None:
    commands = [
        make_command("output", {"type": "text", "content": f"line {i}", "scope": "#x"})
        for i in range(1000)
    ]
    markup = render_html(commands, limits=Limits(html_chars=5000))
    assert len(markup) < 5000 + 3000  # the CSS, one output and the note over the bound
    assert "more outputs not saved" in markup
    assert "line 999" not in markup


def test_snapshot_over_its_bound_is_left_out() -> None:
    commands = [make_command("output", {"type": "text", "content": "x" * 100, "scope": "#x"})]
    assert snapshot_data("r", commands, limits=Limits(snapshot_chars=50)) is None
    entries = display_entries("r", commands, [], Limits(snapshot_chars=50))
    assert SNAPSHOT_MIME not in entries and "x" * 100 in entries["text/html"]


# ------------------------------------------------------------------ the snapshot contract
def test_snapshot_is_one_comm_message(run_app: Any) -> None:
    def body() -> None:
        put_text("first")
        put_html("<b>raw</b>", sanitize=False)
        put_image(PNG)
        pin.put_input("secret", type="password", value="hunter2")

    run = shown(run_app, body, form=True)
    session = run.session
    commands, blobs = snapshot_of(run)
    eval_js = make_command("run_script", {"code": "1", "args": {}, "eval": True})
    eval_js["task_id"] = "js-1"
    data = snapshot_data("page", [*commands, eval_js], blobs)
    assert data is not None
    json.dumps(data)  # JSON as it is
    assert data["version"] == 1 and data["root"] == "page"
    names = [c["command"] for c in data["commands"]]
    # blob chunks first (each naming its buffer), then the resync content minus live requests
    assert names[0] == "blob" and "resync" not in names and "run_script" not in names
    assert names[-1] == "input_group"
    blob = data["commands"][0]["spec"]
    assert base64.b64decode(data["buffers"][blob["buffer"]]) == PNG
    specs = [c["spec"] for c in data["commands"] if c["command"] == "output"]
    assert specs[0]["content"] == "first"
    assert specs[1]["sanitize"] is True  # a file's HTML is never run
    assert specs[2]["src"]["blob"] == blob["id"]
    assert "hunter2" not in json.dumps(data)
    # the page model's own specs are untouched
    assert session.page.root("page").children[1]["sanitize"] is False
    session.close()


def test_plain_text_and_empty_root() -> None:
    assert plain_text([], "cell-3") == "PyWebIO output (cell-3)"
    commands = [make_command("output", {"type": "text", "content": "hi", "scope": "#x"})]
    assert plain_text(commands, "cell-3") == "hi"
    entries = display_entries("cell-3", [], [])
    assert set(entries) == {"text/plain", "text/html", SNAPSHOT_MIME}
    assert entries[SNAPSHOT_MIME]["commands"] == []


def test_scopes_route_nested_outputs() -> None:
    spec = {
        "type": "scope",
        "dom_id": "pywebio-scope-a",
        "contents": [{"type": "text", "content": "deep"}],
        "scope": scope_selector("ROOT"),
    }
    assert "deep" in render_html([make_command("output", spec)])


# ------------------------------------------------------------------ the refresh throttle
class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []
        self.event = threading.Event()

    def __call__(self, root_id: str) -> None:
        self.calls.append((root_id, time.monotonic()))
        self.event.set()


def test_refresher_coalesces_a_burst() -> None:
    recorder = Recorder()
    refresher = DisplayRefresher(recorder)
    try:
        for _ in range(1000):  # a put_text loop's batches
            refresher.changed("cell-1")
        assert recorder.event.wait(5)
        assert [root for root, _ in recorder.calls] == ["cell-1"]
    finally:
        refresher.stop()


def test_refresher_rate_is_bounded_while_a_root_keeps_changing() -> None:
    recorder = Recorder()
    refresher = DisplayRefresher(recorder)
    refresher.MAX_DELAY = 0.3  # busy roots are saved at least this often
    try:
        end = time.monotonic() + 1.2
        while time.monotonic() < end:  # bounded by the clock: changes every ~5 ms
            refresher.changed("cell-1")
            threading.Event().wait(0.005)
        times = [t for _, t in recorder.calls]
        assert 2 <= len(times) <= 1.2 / refresher.MIN_INTERVAL + 1
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert all(gap >= refresher.MIN_INTERVAL - 0.02 for gap in gaps), gaps
    finally:
        refresher.stop()


def test_refresh_now_publishes_every_changed_root_in_the_caller() -> None:
    recorder = Recorder()
    refresher = DisplayRefresher(recorder)
    refresher.QUIET = refresher.MAX_DELAY = 60.0  # the thread never gets there
    try:
        refresher.changed("cell-1")
        refresher.changed("cell-2")
        refresher.refresh_now()
        assert sorted(root for root, _ in recorder.calls) == ["cell-1", "cell-2"]
        refresher.refresh_now()  # nothing changed since: nothing sent
        assert len(recorder.calls) == 2
    finally:
        refresher.stop()


def test_refresher_spaces_out_slow_refreshes() -> None:
    recorder = Recorder()

    def slow(root_id: str) -> None:
        threading.Event().wait(0.05)  # stands for rendering a big root
        recorder(root_id)

    refresher = DisplayRefresher(slow)
    refresher.MIN_INTERVAL = refresher.QUIET = refresher.MAX_DELAY = 0.01
    refresher.COST_FACTOR = 10.0  # 0.05 s of work -> at least 0.5 s of rest
    try:
        end = time.monotonic() + 1.3
        while time.monotonic() < end:
            refresher.changed("cell-1")
            threading.Event().wait(0.005)
        times = [t for _, t in recorder.calls]
        assert 2 <= len(times) <= 3, times
        assert all(b - a >= 0.5 for a, b in itertools.pairwise(times))
    finally:
        refresher.stop()


# ------------------------------------------------------------------ fuzzing
_TOKENS = [*"<>\"'&=/:;() \n", "script", "onerror", "javascript:", "a"]
_HOSTILE = st.lists(st.sampled_from(_TOKENS), max_size=12).map("".join)
_NUMBERS = st.one_of(st.integers(-5, 5), st.floats(allow_nan=False))
_VALUES = st.one_of(_HOSTILE, _NUMBERS, st.none(), st.booleans())
_KINDS = [
    "text", "markdown", "html", "code", "table", "message", "link", "processbar", "loading",
    "widget", "buttons", "scope", "scrollable", "row", "column", "grid", "collapse", "tabs",
    "image", "file", "pin",
]  # fmt: skip
_KEYS = [
    "content", "contents", "data", "title", "name", "url", "label", "value", "size", "style",
    "cell_widths", "width", "src", "tabs", "buttons", "input", "options", "span", "language",
    "placeholder", "help_text", "rows", "min_value", "color", "inline", "open",
]  # fmt: skip


def _specs(depth: int) -> st.SearchStrategy[Any]:
    leaf = st.fixed_dictionaries(
        {"type": st.sampled_from(_KINDS)},
        optional={key: _VALUES for key in _KEYS},
    )
    if depth == 0:
        return leaf
    inner = st.one_of(_VALUES, _specs(depth - 1), st.lists(_specs(depth - 1), max_size=3))
    return st.fixed_dictionaries(
        {"type": st.sampled_from(_KINDS)}, optional={key: inner for key in _KEYS}
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(_specs(2), max_size=4), use_nh3=st.booleans())
def test_any_spec_renders_inert(specs: list[Any], use_nh3: bool) -> None:
    """Whatever shape a spec has (wrong types included), rendering never fails and
    nothing in it becomes a script, an event handler or a script URL."""
    commands = [make_command("output", spec) for spec in specs]
    assert_inert(render_html(commands, use_nh3=use_nh3))
    data = snapshot_data("r", commands)
    assert data is not None
    json.dumps(data, default=str)


# ------------------------------------------------------------------ put_widget
_MANUAL_TEMPLATE = """
<details {{#open}}open{{/open}}>
    <summary>{{title}}</summary>
    {{#contents}}
        {{& pywebio_output_parse}}
    {{/contents}}
</details>
"""


def test_put_widget_template_is_rendered(run_app: Any) -> None:
    def body() -> None:
        # the manual's put_widget example
        put_widget(
            _MANUAL_TEMPLATE,
            {
                "open": True,
                "title": "More content",
                "contents": [
                    "text",
                    put_markdown("~~Strikethrough~~"),
                    put_table([["Commodity", "Price"], ["Apple", "5.5"]]),
                ],
            },
        )
        put_widget("<b>{{x}}</b>{{^missing}}<i>none</i>{{/missing}}", {"x": "<1>"})

    commands, blobs = snapshot_of(shown(run_app, body))
    markup = render_html(commands, blobs)
    parsed = assert_inert(markup)
    assert ("details", {"open": ""}) in parsed.tags or ("details", {"open": None}) in parsed.tags
    text = "".join(parsed.text)
    for expected in ("More content", "text", "Strikethrough", "Apple", "5.5", "<1>", "none"):
        assert expected in text, expected
    # the table sits inside the details, where the template put it
    assert markup.index("<summary>") < markup.index("Apple") < markup.index("</details>")
    assert "pwnbslot" not in markup


def test_put_widget_template_is_sanitized(run_app: Any) -> None:
    def body() -> None:
        put_widget(
            '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:x">a</a>'
            '<div title="{{#items}}{{& pywebio_output_parse}}{{/items}}">{{v}}</div>'
            "{{{raw}}}",
            {"items": [put_text('" onclick="alert(3)')], "v": XSS, "raw": XSS},
        )

    commands, blobs = snapshot_of(shown(run_app, body))
    for use_nh3 in (True, False):
        markup = render_html(commands, blobs, use_nh3=use_nh3)
        parsed = assert_inert(markup)
        assert "pwnbslot" not in markup
        assert all("onclick" not in str(v) for _, a in parsed.tags for v in a.values())
        if use_nh3:
            assert XSS in "".join(parsed.text)  # {{v}} is escaped text
            # an output named inside an attribute is dropped, never put there
            assert "alert(3)" not in markup


# ------------------------------------------------------------------ logbox
def test_a_logbox_draws_its_text_escaped(run_app: Any) -> None:
    from pywebio_nb.battery import logbox_append, put_logbox

    def body() -> None:
        put_text("before")
        put_logbox("build log", height=200)
        logbox_append("build log", "step 1 ok\n")
        logbox_append("build log", f"step 2 {XSS}\n")
        put_logbox("other")  # empty: an empty box
        put_text("after")

    commands, blobs = snapshot_of(shown(run_app, body))
    markup = render_html(commands, blobs)
    parsed = assert_inert(markup)
    assert "".join(parsed.text).count(f"step 1 ok\nstep 2 {XSS}\n") == 1
    # The empty box has no text to draw: its own (sanitized) markup stays.
    assert [t for t, a in parsed.tags if a.get("class") == "pwnb-logbox"] == ["pre"]
    # In place, between the outputs around it.
    text = "".join(parsed.text)
    assert text.index("before") < text.index("step 1 ok") < text.index("after")


def test_a_logbox_keeps_only_its_tail_from_a_line_start() -> None:
    from pywebio_nb.session._page_model import logbox_scope

    scope = {
        "type": "scope",
        "dom_id": "pywebio-scope-" + logbox_scope("log"),
        "contents": [{"type": "html", "content": '<pre class="pywebio-logbox"></pre>'}],
    }
    lines = "".join(f"line {i:04d}\n" for i in range(1000))  # 10 characters a line
    commands = [
        make_command("output", {**scope, "scope": scope_selector("ROOT"), "position": -1}),
        make_command("logbox", {"name": "log", "text": "gone\n", "clear": True}),
        make_command("logbox", {"name": "log", "text": lines, "clear": True}),
        make_command("logbox", {"name": "log", "text": "last\n"}),
    ]
    for keep in (95, 97):  # at a line start; 2 characters into the line before
        text = "".join(assert_inert(render_html(commands, limits=Limits(logbox_chars=keep))).text)
        # The last 9 whole lines and "last": never a line cut in two.
        assert text.endswith("".join(f"line {i:04d}\n" for i in range(991, 1000)) + "last\n")
        assert "line 0990" not in text and "0\nline 0991" not in text and "gone" not in text
        assert "… 9,910 earlier characters not saved" in text
    full = "".join(assert_inert(render_html(commands)).text)  # 20,000 characters by default
    assert "line 0000\n" in full and "not saved" not in full
