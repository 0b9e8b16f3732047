"""The content family under a real server: the manual's examples in thread and
coroutine sessions, driven by the protocol client; the page the browser would
show is rebuilt from the received commands with the page model."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from _wsclient import Client, run

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
)
from pywebio_nb.session._page_model import PageModel
from tests import _output_examples as examples

END = "-- end of the app --"


def _model(received: list[dict[str, Any]]) -> PageModel:
    model = PageModel()
    for command in received:
        model.apply(command, "page")  # type: ignore[arg-type]
    return model


def _specs(model: PageModel) -> list[dict[str, Any]]:
    return [c for c in model.root("page").children if isinstance(c, dict)]


# ------------------------------------------------------------ the manual's examples
def text_markdown_html() -> None:
    put_text("Hello world!")
    put_markdown(r""" # H1
    This is content.
    """)
    put_html("X<sup>2</sup>")


def messages() -> None:
    put_info("info")
    put_success("ok", put_markdown("**md**"), closable=True)
    put_warning("warn")
    with put_error("error:"):
        put_text("inside")


def links() -> None:
    put_link("docs", url="https://pywebio.readthedocs.io", new_window=True)
    put_link("other app", app="task_1")


def processbar_burst() -> None:
    put_processbar("my bar")
    for i in range(1, 10_001):
        set_processbar("my bar", i / 10_000 * 0.99)


def loading() -> None:
    for shape in ("border", "grow"):
        put_loading(shape=shape, color="primary")
    with put_loading():
        put_text("The answer of the universe is 42")


def tables() -> None:
    examples.table_span()
    examples.table_put_cells()
    put_table(
        [{"Course": "OS", "Score": "80"}, {"Course": "DB", "Score": "93"}],
        header=[(put_markdown("*Course*"), "Course"), (put_markdown("*Score*"), "Score")],
    )
    put_text(END)  # the buttons' callbacks keep the session open: the test waits for this


def code_and_widget() -> None:
    put_code("print('hi')", language="python", rows=3)
    put_widget(
        "<details {{#open}}open{{/open}}><summary>{{title}}</summary>"
        "{{#contents}}{{& pywebio_output_parse}}{{/contents}}</details>",
        {"open": True, "title": "More content", "contents": ["text", put_markdown("~~S~~")]},
    )


async def coroutine_app() -> None:
    put_processbar("bar")
    for i in range(1, 11):
        set_processbar("bar", i / 10)
        await asyncio.sleep(0)
    with put_info():
        put_text("async inside")


EXAMPLES: list[tuple[str, Callable[[], Any], Callable[[PageModel, list[dict[str, Any]]], None]]] = [
    (
        "text markdown html",
        text_markdown_html,
        lambda m, _: _check(
            m.root("page").texts(), ["Hello world!", "# H1\nThis is content.\n", "X<sup>2</sup>"]
        ),
    ),
    (
        "messages",
        messages,
        lambda m, _: (
            _check(
                [s["color"] for s in _specs(m)] + ["danger"],
                ["info", "success", "warning", "danger"],
            ),
            _check(m.root("page").texts(), ["info", "ok", "**md**", "warn", "error:", "inside"]),
        ),
    ),
    (
        "links",
        links,
        lambda m, _: _check(
            [(s["url"], s.get("new_window", False)) for s in _specs(m)],
            [("https://pywebio.readthedocs.io", True), ("?app=task_1", False)],
        ),
    ),
    (
        "processbar burst",
        processbar_burst,
        lambda m, received: (
            _check(_specs(m)[0]["value"], 0.99),
            # coalesced: far fewer updates than calls, and the last one is the last value
            _check(len([c for c in received if c["command"] == "set_processbar"]) < 5_000, True),
            _check(
                [c for c in received if c["command"] == "set_processbar"][-1]["spec"]["value"],
                0.99,
            ),
        ),
    ),
    (
        "loading",
        loading,
        lambda m, _: _check(
            [s["type"] for s in _specs(m)], ["loading", "loading", "text"]
        ),  # the with-block's spinner is gone
    ),
    (
        "tables",
        tables,
        lambda m, _: (
            _check(
                _specs(m)[0]["span"], {"0,0": {"row": 2, "col": 1}, "0,1": {"row": 1, "col": 2}}
            ),
            _check(
                [
                    c if isinstance(c, str) else c["type"]
                    for c in [r[1] for r in _specs(m)[1]["data"]]
                ],
                ["Content", "html", "<hr/>", "buttons", "markdown", "table"],
            ),
            _check(_specs(m)[2]["data"][1:], [["OS", "80"], ["DB", "93"]]),
        ),
    ),
    (
        "code and widget",
        code_and_widget,
        lambda m, _: (
            _check((_specs(m)[0]["language"], _specs(m)[0]["rows"]), ("python", 3)),
            _check(_specs(m)[1]["data"]["contents"][1]["type"], "markdown"),
        ),
    ),
    (
        "coroutine session",
        coroutine_app,
        lambda m, _: (
            _check(_specs(m)[0]["value"], 1.0),
            _check(m.root("page").texts(), ["async inside"]),
        ),
    ),
]


def _check(actual: Any, expected: Any) -> None:
    assert actual == expected


@pytest.mark.parametrize(
    ("app", "check"), [(a, c) for _, a, c in EXAMPLES], ids=[n for n, _, _ in EXAMPLES]
)
def test_manual_examples_over_the_wire(
    serve: Any, app: Callable[[], Any], check: Callable[[PageModel, list[dict[str, Any]]], None]
) -> None:
    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        await client.until(
            "close_session" if app is not tables else "output",
            lambda c: app is not tables or c["spec"].get("content") == END,
        )
        check(_model(client.received), client.received)

    run(body())
