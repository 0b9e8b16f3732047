"""The manual's output and pin examples that more than one test level runs, as apps.

The in-memory session (tests/unit) asserts on the commands each sends; a real server
(tests/server) asserts on the page rebuilt from what came over the wire. Both run the
very same functions from here, so the example is written once.
"""

from __future__ import annotations

from typing import Any

from pywebio_nb.output import (
    put_buttons,
    put_code,
    put_column,
    put_grid,
    put_html,
    put_markdown,
    put_row,
    put_scope,
    put_table,
    put_text,
    span,
    use_scope,
)
from pywebio_nb.pin import pin, pin_wait_change, put_input
from pywebio_nb.session._page_model import ScopeNode


def tree(node: ScopeNode) -> list[Any]:
    """The conformance table's notation: text per output, {scope, children} per scope."""
    out: list[Any] = []
    for child in node.children:
        if isinstance(child, ScopeNode):
            out.append({"scope": child.name, "children": tree(child)})
        else:
            texts = ScopeNode("_", "page", children=[child]).texts()
            out.append(" ".join(texts))
    return out


# ----------------------------------------------------------------------- content
def table_span() -> None:
    # 'Name' cell across 2 rows, 'Address' cell across 2 columns
    put_table(
        [
            [span("Name", row=2), span("Address", col=2)],
            ["City", "Country"],
            ["Wang", "Beijing", "China"],
            ["Liu", "New York", "America"],
        ]
    )


def table_put_cells() -> None:
    put_table(
        [
            ["Type", "Content"],
            ["html", put_html("X<sup>2</sup>")],
            ["text", "<hr/>"],
            ["buttons", put_buttons(["A", "B"], onclick=lambda _: None)],
            ["markdown", put_markdown("Awesome PyWebIO!")],
            ["table", put_table([["A", "B"], ["C", "D"]])],
        ]
    )


# ------------------------------------------------------------------------ layout
def position() -> None:
    with use_scope("scope1"):
        put_text("A")
        put_text("B", position=0)  # insert B before A -> B A
        put_text("C", position=-2)  # insert C after B -> B C A
        put_text("D", position=1)  # insert D before C B -> B D C A


def use_scope_clear() -> None:
    with use_scope("scope2"):
        put_text("create scope2")
    put_text("text in parent scope of scope2")
    with use_scope("scope2", clear=True):
        put_text("text in scope2")


def put_scope_in_table() -> None:
    put_table(
        [
            ["Name", "Hobbies"],
            ["Tom", put_scope("hobby", content=put_text("Coding"))],
        ]
    )
    with use_scope("hobby", clear=True):
        put_text("Movie")
    with use_scope("hobby"):
        put_text("Music")
        put_text("Drama")
    put_markdown("**Coding**", scope="hobby", position=0)


def row_column() -> None:
    put_row(
        [
            put_column(
                [
                    put_code("A"),
                    put_row([put_code("B1"), None, put_code("B2"), None, put_code("B3")]),
                    put_code("C"),
                ]
            ),
            None,
            put_code("D"),
            None,
            put_code("E"),
        ]
    )


def grid() -> None:
    put_grid(
        [
            [put_text("A"), put_text("B"), put_text("C")],
            [None, span(put_text("D"), col=2, row=1)],
            [put_text("E"), put_text("F"), put_text("G")],
        ],
        cell_width="100px",
        cell_height="100px",
    )


# --------------------------------------------------------------------------- pin
def pin_wait_change_sum() -> None:
    """The manual's pin_wait_change example, two changes long (thread session)."""
    put_input("a", type="number", value=0)
    put_input("b", type="number", value=0)
    for _ in range(2):
        changed = pin_wait_change("a", "b")
        with use_scope("res", clear=True):
            put_code(changed)
            put_text("a + b = %s" % (pin.a + pin.b))
