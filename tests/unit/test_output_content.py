"""The content family (put_text ... put_widget, span, set_processbar) in the in-memory session.

Each manual example runs as a tiny app; the tests assert on the commands sent
and on the page model. The coalescing of ``set_processbar`` bursts is tested
with a transport that flushes only when told to (as a busy event loop does).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import pytest

from pywebio_nb.output import (
    put_code,
    put_error,
    put_html,
    put_info,
    put_link,
    put_loading,
    put_markdown,
    put_processbar,
    put_success,
    put_table,
    put_text,
    put_warning,
    put_widget,
    set_processbar,
    span,
    use_scope,
)
from pywebio_nb.protocol import Command
from pywebio_nb.session._base import Session, Transport
from pywebio_nb.session._context import session_var
from tests import _output_examples as examples

ROOT_SEL = "#pywebio-scope-ROOT"


def _outputs(run: Any) -> list[dict[str, Any]]:
    return [c["spec"] for c in run.commands("output")]


def _types(run: Any) -> list[str]:
    return [spec["type"] for spec in _outputs(run)]


# ------------------------------------------------------------- text, markdown, html


def test_put_text_sep_and_inline(run_app) -> None:
    def app() -> None:
        put_text("a", 1, None, sep="|")
        put_text("b", inline=True)

    run = run_app(app)
    run.join()
    first, second = _outputs(run)
    assert first["content"] == "a|1|None"
    assert first["inline"] is False
    assert second["inline"] is True
    assert run.page.texts() == ["a|1|None", "b"]


def test_put_markdown_manual_indented_example(run_app) -> None:
    def app() -> None:
        put_markdown(r""" # H1
        This is content.
        """)
        put_markdown("~~Strikethrough~~", options={"breaks": True}, sanitize=False)

    run = run_app(app)
    run.join()
    first, second = _outputs(run)
    assert first["content"] == "# H1\nThis is content.\n"
    assert first["sanitize"] is True
    assert second == {
        "type": "markdown",
        "content": "~~Strikethrough~~",
        "options": {"breaks": True},
        "sanitize": False,
        "scope": ROOT_SEL,
        "position": -1,
    }


def test_put_html_sanitize_flag(run_app) -> None:
    def app() -> None:
        put_html("X<sup>2</sup>")
        put_html("<img src=x onerror=alert(1)>", sanitize=True)

    run = run_app(app)
    run.join()
    assert [(s["content"], s["sanitize"]) for s in _outputs(run)] == [
        ("X<sup>2</sup>", False),
        ("<img src=x onerror=alert(1)>", True),
    ]


# ----------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("func", "color"),
    [(put_info, "info"), (put_success, "success"), (put_warning, "warning"), (put_error, "danger")],
)
def test_messages_several_contents_and_closable(
    run_app, func: Callable[..., Any], color: str
) -> None:
    def app() -> None:
        func("plain <b>text</b>", put_markdown("**md**"), 3, closable=True)

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    assert spec["type"] == "message"
    assert spec["color"] == color
    assert spec["closable"] is True
    assert spec["contents"] == [
        {"type": "text", "content": "plain <b>text</b>"},
        {"type": "markdown", "content": "**md**", "options": {}, "sanitize": True},
        {"type": "text", "content": "3"},
    ]
    assert run.page.texts() == ["plain <b>text</b>", "**md**", "3"]


def test_message_context_manager_puts_block_output_inside(run_app) -> None:
    names: list[str] = []

    def app() -> None:
        with put_info("first") as scope_name:
            names.append(scope_name)
            put_text("inside")
        put_text("after")

    run = run_app(app)
    run.join()
    message, inside, after = _outputs(run)
    (name,) = names
    assert message["container_dom_id"] == f"pywebio-scope-{name}"
    assert message["container_selector"] == ".pywebio-message__body"
    assert inside["scope"] == f"#pywebio-scope-{name}"
    assert after["scope"] == ROOT_SEL
    assert run.page.texts() == ["first", "inside", "after"]


def test_message_sent_once_when_used_as_context_manager(run_app) -> None:
    def app() -> None:
        with put_warning("w"):
            pass

    run = run_app(app)
    run.join()
    assert _types(run) == ["message"]


# ------------------------------------------------------------------------- links


def test_put_link_url_and_app(run_app) -> None:
    def app() -> None:
        put_link("PyWebIO", url="https://pywebio.readthedocs.io", new_window=True)
        put_link("Task 1", app="task_1")

    run = run_app(app)
    run.join()
    first, second = _outputs(run)
    assert (first["name"], first["url"], first["new_window"]) == (
        "PyWebIO",
        "https://pywebio.readthedocs.io",
        True,
    )
    assert (second["url"], "new_window" in second) == ("?app=task_1", False)


@pytest.mark.parametrize("kwargs", [{}, {"url": "u", "app": "a"}])
def test_put_link_needs_exactly_one_target(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="exactly one of url= and app="):
        put_link("x", **kwargs)


# ------------------------------------------------------------------ progress bars


def _bar(run: Any, name: str) -> dict[str, Any] | None:
    bars = [c for c in run.page.children if isinstance(c, dict) and c.get("name") == name]
    return bars[0] if bars else None


def test_processbar_manual_example(run_app) -> None:
    def app() -> None:
        put_processbar("bar")
        for i in range(1, 11):
            set_processbar("bar", i / 10)

    run = run_app(app)
    run.join()
    (bar,) = _outputs(run)
    assert bar == {
        "type": "processbar",
        "name": "bar",
        "value": 0.0,
        "label": None,
        "auto_close": False,
        "scope": ROOT_SEL,
        "position": -1,
    }
    updates = [c["spec"] for c in run.commands("set_processbar")]
    assert updates[-1] == {"name": "bar", "value": 1.0, "label": None}
    # The page model records the latest value (copied: the sent spec is unchanged).
    assert _bar(run, "bar") == {**bar, "value": 1.0}


def test_processbar_name_with_spaces_label_and_auto_close(run_app) -> None:
    def app() -> None:
        put_processbar("my bar", init=0.2, label="starting", auto_close=True)
        set_processbar("my bar", 0.5, label="half")

    run = run_app(app)
    run.join()
    assert _bar(run, "my bar") is not None
    assert _bar(run, "my bar")["value"] == 0.5  # type: ignore[index]
    assert _bar(run, "my bar")["label"] == "half"  # type: ignore[index]

    def finish() -> None:
        set_processbar("my bar", 1)

    token = session_var.set(run.session)
    try:
        finish()
    finally:
        session_var.reset(token)
    # auto_close: a complete bar leaves the page (and the model).
    assert _bar(run, "my bar") is None


def test_processbar_inside_a_table_cell_is_updated_in_the_model(run_app) -> None:
    def app() -> None:
        put_table([["Task", "Progress"], ["a", put_processbar("cell bar")]])
        set_processbar("cell bar", 0.75)

    run = run_app(app)
    run.join()
    (table,) = run.page.children
    assert isinstance(table, dict)
    assert table["data"][1][1]["value"] == 0.75
    assert _outputs(run)[0]["data"][1][1]["value"] == 0.0  # what was sent is not edited


@pytest.mark.parametrize("value", ["0.5", None, True])
def test_processbar_rejects_non_numbers(value: Any) -> None:
    with pytest.raises(TypeError, match="between 0 and 1"):
        set_processbar("bar", value)


class _DeferredTransport(Transport):
    """Flushes only when the test says so, like an event loop busy elsewhere."""

    def __init__(self) -> None:
        self.batches: list[list[Command]] = []
        self.roots: list[str] = []
        self.flush_requests = 0

    def request_flush(self) -> None:
        self.flush_requests += 1

    def deliver(self, root_id: str, batch: list[Command], *args: Any) -> None:
        self.batches.append(list(batch))
        self.roots.append(root_id)


def _in_session(body: Callable[[], None]) -> tuple[Session, _DeferredTransport]:
    transport = _DeferredTransport()
    session = Session(transport)
    token = session_var.set(session)
    try:
        body()
    finally:
        session_var.reset(token)
    return session, transport


def test_set_processbar_burst_sends_only_the_last_value() -> None:
    def body() -> None:
        put_processbar("bar").show()
        for i in range(1, 10_001):
            set_processbar("bar", i / 10_001)

    session, transport = _in_session(body)
    session.flush()
    (batch,) = transport.batches
    assert [c["command"] for c in batch] == ["output", "set_processbar"]
    assert batch[1]["spec"]["value"] == 10_000 / 10_001
    assert transport.flush_requests == 1
    assert session.page.root("page").children[0]["value"] == 10_000 / 10_001  # type: ignore[index]


def test_coalescing_keeps_order_other_bars_and_completion() -> None:
    def body() -> None:
        put_processbar("a", auto_close=True).show()
        put_processbar("b").show()
        set_processbar("a", 0.1)
        set_processbar("b", 0.1)
        put_text("between").show()
        set_processbar("a", 0.2)
        set_processbar("a", 1)  # completes (auto_close): never dropped
        set_processbar("a", 0.3)
        set_processbar("a", 0.4)

    session, transport = _in_session(body)
    session.flush()
    (batch,) = transport.batches
    summary = [
        (c["command"], c["spec"].get("name") or c["spec"].get("content"), c["spec"].get("value"))
        for c in batch
    ]
    assert summary == [
        ("output", "a", 0.0),
        ("output", "b", 0.0),
        ("set_processbar", "b", 0.1),
        ("output", "between", None),
        ("set_processbar", "a", 1.0),
        ("set_processbar", "a", 0.4),
    ]


def test_coalescing_after_a_flush_starts_afresh() -> None:
    transport = _DeferredTransport()
    session = Session(transport)
    token = session_var.set(session)
    try:
        put_processbar("bar").show()
        set_processbar("bar", 0.1)
        session.flush()
        set_processbar("bar", 0.2)
        set_processbar("bar", 0.3)
        session.flush()
    finally:
        session_var.reset(token)
    assert [[c["spec"].get("value") for c in batch] for batch in transport.batches] == [
        [0.0, 0.1],
        [0.3],
    ]


def test_send_coalesce_key_is_generic() -> None:
    transport = _DeferredTransport()
    session = Session(transport)
    for i in range(3):
        session.send(
            {"command": "run_script", "task_id": None, "spec": {"code": f"x={i}"}},
            coalesce_key="x",
        )
    session.send({"command": "run_script", "task_id": None, "spec": {"code": "y"}})
    session.flush()
    assert [c["spec"]["code"] for c in transport.batches[0]] == ["x=2", "y"]


def test_coalescing_across_roots_keeps_each_roots_batches_in_order() -> None:
    """A dropped command may empty its root's run: the runs around it join."""
    transport = _DeferredTransport()
    session = Session(transport)

    def script(code: str, root: str, key: str | None = None) -> None:
        command = {"command": "run_script", "task_id": None, "spec": {"code": code}}
        session.send(command, root, coalesce_key=key)  # type: ignore[arg-type]

    script("a1", "A")
    script("x=1", "B", key="x")
    script("a2", "A")
    script("x=2", "B", key="x")  # drops x=1: B's first run is empty, A's two join
    script("x=3", "A", key="x")  # same key, another root: x=2 stays
    script("b", "B")
    session.flush()
    assert [[c["spec"]["code"] for c in batch] for batch in transport.batches] == [
        ["a1", "a2"],
        ["x=2"],
        ["x=3"],
        ["b"],
    ]
    assert transport.roots == ["A", "B", "A", "B"]


# ------------------------------------------------------------------------ loading


def test_put_loading_manual_examples(run_app) -> None:
    shapes = ("border", "grow")
    colors = ("primary", "secondary", "success", "danger", "warning", "info", "light", "dark")

    def app() -> None:
        for shape in shapes:
            for color in colors:
                put_text(shape, color)
                put_loading(shape=shape, color=color)
        put_loading().style("width:4rem; height:4rem")

    run = run_app(app)
    run.join()
    loadings = [s for s in _outputs(run) if s["type"] == "loading"]
    assert [(s["shape"], s["color"]) for s in loadings[:-1]] == [
        (s, c) for s in shapes for c in colors
    ]
    assert loadings[-1]["shape"] == "border"
    assert loadings[-1]["color"] == "dark"
    assert loadings[-1]["style"] == ";width:4rem; height:4rem"


def test_put_loading_context_manager_removes_the_spinner(run_app) -> None:
    def app() -> None:
        with put_loading():
            put_text("The answer of the universe is 42")

    run = run_app(app)
    run.join()
    spinner, answer = _outputs(run)
    (ctl,) = [c["spec"] for c in run.commands("output_ctl")]
    assert spinner["container_dom_id"] == ctl["remove"][1:]
    assert answer["scope"] == ROOT_SEL  # the block's output is not inside the spinner
    assert [c["command"] for c in run.commands()] == ["output", "output", "output_ctl"]
    assert [s["type"] for s in run.page.children if isinstance(s, dict)] == ["text"]


def test_put_loading_rejects_unknown_shape() -> None:
    with pytest.raises(ValueError, match="'border' or 'grow'"):
        put_loading(shape="square")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- code


def test_put_code_language_and_rows(run_app) -> None:
    def app() -> None:
        put_code("print('hi')", language="python", rows=5)
        put_code(42)  # type: ignore[arg-type]

    run = run_app(app)
    run.join()
    first, second = _outputs(run)
    assert (first["content"], first["language"], first["rows"]) == ("print('hi')", "python", 5)
    assert (second["content"], second["language"], "rows" in second) == ("42", "", False)


# -------------------------------------------------------------------------- table


def test_put_table_manual_span_example(run_app) -> None:
    run = run_app(examples.table_span)
    run.join()
    (spec,) = _outputs(run)
    assert spec["data"] == [
        ["Name", "Address"],
        ["City", "Country"],
        ["Wang", "Beijing", "China"],
        ["Liu", "New York", "America"],
    ]
    assert spec["span"] == {"0,0": {"row": 2, "col": 1}, "0,1": {"row": 1, "col": 2}}


def test_put_table_manual_put_xxx_cells(run_app) -> None:
    run = run_app(examples.table_put_cells)
    run.join()
    (spec,) = _outputs(run)  # the nested outputs are not sent on their own
    cells = [row[1] for row in spec["data"][1:]]
    assert [c if isinstance(c, str) else c["type"] for c in cells] == [
        "html",
        "<hr/>",
        "buttons",
        "markdown",
        "table",
    ]
    assert "scope" not in cells[0]


def test_put_table_manual_header_examples(run_app) -> None:
    def app() -> None:
        put_table(
            [["Wang", "M", "China"], ["Liu", "W", "America"]], header=["Name", "Gender", "Address"]
        )
        put_table(
            [{"Course": "OS", "Score": "80"}, {"Course": "DB", "Score": "93"}],
            header=["Course", "Score"],
        )
        put_table(
            [{"Course": "OS", "Score": "80"}, {"Course": "DB", "Score": "93"}],
            header=[(put_markdown("*Course*"), "Course"), (put_markdown("*Score*"), "Score")],
        )

    run = run_app(app)
    run.join()
    first, second, third = _outputs(run)
    assert first["data"][0] == ["Name", "Gender", "Address"]
    assert first["data"][1:] == [["Wang", "M", "China"], ["Liu", "W", "America"]]
    assert second["data"] == [["Course", "Score"], ["OS", "80"], ["DB", "93"]]
    assert [h["content"] for h in third["data"][0]] == ["*Course*", "*Score*"]
    assert third["data"][1:] == [["OS", "80"], ["DB", "93"]]


def test_span_manual_example_in_header(run_app) -> None:
    def app() -> None:
        put_table([["C"], [span("E", col=2)]], header=[span("A", row=2), "B"])

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    assert spec["data"] == [["A", "B"], ["C"], ["E"]]
    assert spec["span"] == {"0,0": {"row": 2, "col": 1}, "2,0": {"row": 1, "col": 2}}


def test_put_table_empty_data_with_rich_header(run_app) -> None:
    def app() -> None:
        put_table([], header=[span(put_markdown("**Both**"), col=2)])

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    assert spec["data"] == [
        [{"type": "markdown", "content": "**Both**", "options": {}, "sanitize": True}]
    ]
    assert spec["span"] == {"0,0": {"row": 1, "col": 2}}


@pytest.mark.parametrize(("row", "col"), [(0, 1), (1, 0), (-1, 1)])
def test_span_rejects_bad_sizes(row: int, col: int) -> None:
    with pytest.raises(ValueError, match="row >= 1 and col >= 1"):
        span("x", row=row, col=col)


def test_put_table_dataframe_index_and_header(run_app) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"price": [5.5, 7.0], "stock": [3, None]},
        index=pd.Index(["Apple", "Banana"], name="fruit"),
    )

    def app() -> None:
        put_table(frame)
        put_table(frame, header=[("Stock", "stock")])
        put_table(pd.DataFrame({"a": [1, 2]}))

    run = run_app(app)
    run.join()
    full, picked, plain = _outputs(run)
    assert full["data"] == [
        ["fruit", "price", "stock"],
        ["Apple", "5.5", "3.0"],
        ["Banana", "7.0", "NaN"],
    ]
    assert picked["data"] == [["fruit", "Stock"], ["Apple", "3.0"], ["Banana", "NaN"]]
    assert plain["data"] == [["", "a"], ["0", "1"], ["1", "2"]]


def test_put_table_dataframe_multiindex(run_app) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {("m", "x"): [1, 2]},
        index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", "n"]),
    )

    run = run_app(lambda: put_table(frame))
    run.join()
    (spec,) = _outputs(run)
    assert spec["data"] == [["k", "n", "m x"], ["a", "1", "1"], ["b", "2", "2"]]


def test_put_table_never_imports_pandas() -> None:
    code = textwrap.dedent(
        """
        import sys
        from pywebio_nb.output import put_table, span
        from pywebio_nb.session._base import Session
        from pywebio_nb.session._context import session_var
        from pywebio_nb.session._memory import MemoryTransport
        session_var.set(Session(MemoryTransport()))
        put_table([[span("a", col=2)], ["b", "c"]]).show()
        put_table([{"a": 1}]).show()
        assert "pandas" not in sys.modules, "pandas was imported"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# ------------------------------------------------------------------------- widget

WIDGET_TEMPLATE = """
<details {{#open}}open{{/open}}>
  <summary>{{title}}</summary>
  {{#contents}}
    {{& pywebio_output_parse}}
  {{/contents}}
</details>
"""


def test_put_widget_manual_example(run_app) -> None:
    def app() -> None:
        put_widget(
            WIDGET_TEMPLATE,
            {
                "open": True,
                "title": "More content",
                "contents": [
                    "text",
                    put_markdown("~~Strikethrough~~"),
                    put_table([["Commodity", "Price"], ["Apple", "5.5"], ["Banana", "7"]]),
                ],
            },
        )

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    assert spec["type"] == "widget"
    assert spec["template"] == WIDGET_TEMPLATE
    text, markdown, table = spec["data"]["contents"]
    assert text == "text"
    assert markdown["type"] == "markdown"
    assert "scope" not in markdown
    assert table["data"][0] == ["Commodity", "Price"]
    assert spec["data"]["open"] is True


def test_put_widget_needs_a_dict() -> None:
    with pytest.raises(TypeError, match="must be a dict"):
        put_widget("{{x}}", ["x"])  # type: ignore[arg-type]


# --------------------------------------------------------------- scopes, position


def test_content_outputs_honour_scope_and_position(run_app) -> None:
    def app() -> None:
        with use_scope("s1"):
            put_text("A")
            put_info("B", position=0)
            put_link("C", url="/c", position=-2)
            put_processbar("D", position=1)
        put_loading(scope="s1", position=0)

    run = run_app(app)
    run.join()
    kinds = [c["type"] for c in run.scope("s1").children if isinstance(c, dict)]
    assert kinds == ["loading", "message", "processbar", "link", "text"]
