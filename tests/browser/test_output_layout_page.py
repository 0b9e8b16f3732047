"""Layout and interaction outputs on the server page in Chromium: the manual's
``position=`` example in the DOM, row/grid sizes, popup and toast placement, and
clicks on buttons inside tabs, collapses and popups (bounding boxes, not pixels)."""

from __future__ import annotations

import threading
from typing import Any

from pywebio_nb.output import (
    close_popup,
    popup,
    put_button,
    put_code,
    put_collapse,
    put_grid,
    put_row,
    put_tabs,
    put_text,
    span,
    toast,
    use_scope,
)
from pywebio_nb.session import hold

WAIT = 10_000


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box  # type: ignore[no-any-return]


def test_position_example_and_sizes_in_the_dom(page: Any, serve: Any) -> None:
    def app() -> None:
        with use_scope("scope1"):
            put_text("A")
            put_text("B", position=0)
            put_text("C", position=-2)
            put_text("D", position=1)
        put_row([put_code("L"), None, put_code("R")], size="40% 10px 60%").style("width: 510px")
        put_grid(
            [
                [put_text("g1"), put_text("g2"), put_text("g3")],
                [None, span(put_text("gD"), col=2, row=1)],
            ],
            cell_width="100px",
            cell_height="50px",
        )
        put_text("end")

    server = serve(app)
    page.goto(server.url)
    page.get_by_text("end").wait_for(timeout=WAIT)
    texts = page.locator("#pywebio-scope-scope1 > *").all_inner_texts()
    assert [t.strip() for t in texts] == ["B", "D", "C", "A"]
    left, right = (
        _box(page.locator(".pywebio-row pre").first),
        _box(page.locator(".pywebio-row pre").last),
    )
    # 40% and 60% of 510px: a 2:3 ratio, the right one 10px (the gap) + 40% further
    assert abs(right["width"] / left["width"] - 1.5) < 0.05, (left, right)
    assert right["x"] >= left["x"] + left["width"] + 9
    d_cell = page.locator(".pywebio-grid > *", has_text="gD")
    g2 = page.locator(".pywebio-grid > *", has_text="g2")
    assert abs(_box(d_cell)["width"] - 200) < 2
    assert abs(_box(d_cell)["x"] - _box(g2)["x"]) < 2  # starts under the 2nd column
    assert abs(_box(page.locator(".pywebio-grid"))["height"] - 100) < 2  # 2 rows of 50px
    assert page.page_errors == []


def test_popup_and_toast_placement_and_callbacks(page: Any, serve: Any) -> None:
    clicked: list[str] = []
    done = threading.Event()

    def app() -> None:
        def on_toast() -> None:
            clicked.append("toast")
            put_text("toast clicked")

        put_tabs(
            [
                {
                    "title": "T1",
                    "content": put_button("in tab", onclick=lambda: clicked.append("tab")),
                }
            ]
        )
        put_collapse(
            "C", put_button("in collapse", onclick=lambda: clicked.append("collapse")), open=True
        )
        popup(
            "Popup <b>title</b>",
            [
                put_text("body"),
                put_button("close", onclick=lambda: (clicked.append("popup"), close_popup())),
            ],
            implicit_close=False,
        )
        toast("hello toast", position="right", duration=0, onclick=on_toast)
        done.set()
        hold()

    server = serve(app)
    page.goto(server.url)
    dialog = page.locator(".pywebio-popup")
    dialog.wait_for(timeout=WAIT)
    assert done.wait(10)
    assert page.locator(".pywebio-popup__title").inner_text() == "Popup <b>title</b>"
    viewport = page.viewport_size
    box = _box(dialog)
    # centred horizontally, near the top, above everything (the backdrop covers the page)
    assert abs(box["x"] + box["width"] / 2 - viewport["width"] / 2) < 2
    backdrop = _box(page.locator(".pywebio-popup-backdrop"))
    assert (backdrop["width"], backdrop["height"]) == (viewport["width"], viewport["height"])
    toast_box = _box(page.locator(".pywebio-toast"))
    assert toast_box["x"] + toast_box["width"] > viewport["width"] - 40  # top right
    assert toast_box["y"] < 60
    page.get_by_role("button", name="close", exact=True).click()
    dialog.wait_for(state="detached", timeout=WAIT)
    page.get_by_role("button", name="in tab").click()
    page.get_by_role("button", name="in collapse").click()
    page.get_by_text("hello toast").click()
    page.get_by_text("toast clicked").wait_for(timeout=WAIT)
    assert sorted(clicked) == ["collapse", "popup", "tab", "toast"]
    assert page.page_errors == []
