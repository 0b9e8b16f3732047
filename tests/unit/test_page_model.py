"""pywebio_nb.session._page_model: the server-side copy of the output tree."""

from __future__ import annotations

from typing import Any

import pytest

from pywebio_nb.protocol import make_command
from pywebio_nb.session._page_model import (
    ROOT,
    PageModel,
    ScopeNode,
    scope_dom_id,
    scope_selector,
)


def text(content: str, scope: str = ROOT, position: int = -1) -> Any:
    return make_command(
        "output",
        {"type": "text", "content": content, "scope": scope_selector(scope), "position": position},
    )


def set_scope(
    name: str, container: str = ROOT, position: int = -1, if_exist: str | None = None
) -> Any:
    return make_command(
        "output_ctl",
        {
            "set_scope": scope_dom_id(name),
            "container": scope_selector(container),
            "position": position,
            "if_exist": if_exist,
        },
    )


def ctl(**spec: Any) -> Any:
    return make_command("output_ctl", spec)


def names(node: ScopeNode) -> list[str]:
    """Children of a scope: scope names, or the text of outputs."""
    return [
        c.name if isinstance(c, ScopeNode) else c.get("content", c["type"]) for c in node.children
    ]


@pytest.fixture
def model() -> PageModel:
    return PageModel()


def test_selectors() -> None:
    assert scope_dom_id("a") == "pywebio-scope-a"
    assert scope_selector("a") == "#pywebio-scope-a"


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([("A", -1)], ["A"]),
        ([("A", -1), ("B", 0)], ["B", "A"]),
        ([("A", -1), ("B", 0), ("C", -2)], ["B", "C", "A"]),
        ([("A", -1), ("B", 0), ("C", -2), ("D", 1)], ["B", "D", "C", "A"]),
        # out-of-range positions clamp to the ends
        ([("A", -1), ("B", 10)], ["A", "B"]),
        ([("A", -1), ("B", -10)], ["B", "A"]),
        ([("A", -1), ("B", -1), ("C", -1)], ["A", "B", "C"]),
    ],
    ids=["A", "B@0", "C@-2", "manual-D@1", "clamp-high", "clamp-low", "append"],
)
def test_manual_position_rules(
    model: PageModel, steps: list[tuple[str, int]], expected: list[str]
) -> None:
    model.apply(set_scope("scope1"), "page")
    for content, position in steps:
        model.apply(text(content, "scope1", position), "page")
    assert model.scope("scope1").texts() == expected  # type: ignore[union-attr]


def test_each_root_has_its_own_root_scope(model: PageModel) -> None:
    model.apply(text("page text"), "page")
    model.apply(text("cell text"), "cell-1")
    assert model.root("page").texts() == ["page text"]
    assert model.root("cell-1").texts() == ["cell text"]
    assert model.scope(ROOT) is None  # ROOT is ambiguous without a root id
    assert model.scope(ROOT, "cell-1") is model.root("cell-1")


def test_named_scopes_are_shared_across_roots(model: PageModel) -> None:
    model.apply(set_scope("x"), "cell-1")
    assert model.root_of("x") == "cell-1"
    model.apply(text("from cell 2", "x"), "cell-2")  # output targets the scope, not the root
    assert model.root("cell-1").texts() == ["from cell 2"]
    assert model.root("cell-2").texts() == []
    assert model.root_of("missing") is None


def test_output_to_missing_scope_is_ignored(model: PageModel) -> None:
    model.apply(text("lost", "nowhere"), "page")
    model.apply(make_command("output", {"type": "text", "content": "no scope"}), "page")
    assert model.root("page").children == []


def test_non_output_commands_do_not_change_the_model(model: PageModel) -> None:
    model.apply(text("a"), "page")
    for command in [
        make_command("toast", {"content": "t"}),
        make_command("close_session"),
        make_command("run_script", {"code": "", "args": {}}),
    ]:
        model.apply(command, "page")
    assert model.root("page").texts() == ["a"]


def test_nested_scopes_and_texts_depth_first(model: PageModel) -> None:
    model.apply(text("r1"), "page")
    model.apply(set_scope("a"), "page")
    model.apply(text("a1", "a"), "page")
    model.apply(set_scope("b", container="a"), "page")
    model.apply(text("b1", "b"), "page")
    model.apply(text("a2", "a"), "page")
    model.apply(text("r2"), "page")
    a, b = model.scope("a"), model.scope("b")
    assert a is not None and b is not None
    assert b.parent is a and a.parent is model.root("page")
    assert names(model.root("page")) == ["r1", "a", "r2"]
    assert names(a) == ["a1", "b", "a2"]
    assert model.root("page").texts() == ["r1", "a1", "b1", "a2", "r2"]


@pytest.mark.parametrize(
    ("if_exist", "expected_texts", "moved"),
    [(None, ["old"], False), ("clear", [], False), ("blank", [], False), ("remove", [], True)],
)
def test_set_scope_if_exist(
    model: PageModel, if_exist: str | None, expected_texts: list[str], moved: bool
) -> None:
    model.apply(set_scope("s"), "page")
    model.apply(text("old", "s"), "page")
    model.apply(set_scope("inner", container="s"), "page")
    model.apply(text("last"), "page")
    model.apply(set_scope("s", if_exist=if_exist), "page")
    node = model.scope("s")
    assert node is not None
    assert node.texts() == expected_texts
    # remove re-creates the scope at the container's end; the others keep it in place
    assert names(model.root("page")) == (["last", "s"] if moved else ["s", "last"])
    assert (model.scope("inner") is None) == (if_exist is not None)


def test_set_scope_with_missing_container_creates_nothing(model: PageModel) -> None:
    model.apply(set_scope("s", container="ghost"), "page")
    assert model.scope("s") is None


def test_set_scope_position(model: PageModel) -> None:
    model.apply(text("t0"), "page")
    model.apply(text("t1"), "page")
    model.apply(set_scope("s", position=1), "page")
    assert names(model.root("page")) == ["t0", "s", "t1"]


def test_clear_keeps_scope_and_forgets_nested_names(model: PageModel) -> None:
    model.apply(set_scope("a"), "page")
    model.apply(set_scope("b", container="a"), "page")
    model.apply(set_scope("c", container="b"), "page")
    model.apply(text("deep", "c"), "page")
    model.apply(ctl(clear=scope_selector("a")), "page")
    assert model.scope("a") is not None and model.scope("a").children == []  # type: ignore[union-attr]
    assert model.scope("b") is None and model.scope("c") is None
    model.apply(text("into forgotten", "c"), "page")
    assert model.root("page").texts() == []


def test_clear_root(model: PageModel) -> None:
    model.apply(text("x"), "page")
    model.apply(set_scope("s"), "page")
    model.apply(ctl(clear=scope_selector(ROOT)), "page")
    assert model.root("page").children == []
    assert model.scope("s") is None


def test_remove(model: PageModel) -> None:
    model.apply(set_scope("a"), "page")
    model.apply(set_scope("b", container="a"), "page")
    model.apply(text("keep"), "page")
    model.apply(ctl(remove=scope_selector("a")), "page")
    assert names(model.root("page")) == ["keep"]
    assert model.scope("a") is None and model.scope("b") is None
    assert model.root_of("b") is None
    # removing ROOT or a missing scope does nothing
    model.apply(ctl(remove=scope_selector(ROOT)), "page")
    model.apply(ctl(remove=scope_selector("ghost")), "page")
    assert model.root("page").texts() == ["keep"]


@pytest.mark.parametrize(
    ("op", "expected"),
    [("clear_before", ["m", "t3"]), ("clear_after", ["t1", "m"])],
)
def test_clear_before_and_after(model: PageModel, op: str, expected: list[str]) -> None:
    model.apply(set_scope("box"), "page")
    model.apply(text("t1", "box"), "page")
    model.apply(set_scope("m", container="box"), "page")
    model.apply(text("t3", "box"), "page")
    model.apply(ctl(**{op: scope_selector("m")}), "page")
    assert names(model.scope("box")) == expected  # type: ignore[arg-type]
    assert model.scope("m") is not None


def test_put_scope_output_registers_nested_scopes(model: PageModel) -> None:
    spec = {
        "type": "scope",
        "dom_id": scope_dom_id("outer"),
        "scope": scope_selector(ROOT),
        "position": -1,
        "contents": [
            {"type": "text", "content": "o1"},
            {
                "type": "scope",
                "dom_id": scope_dom_id("inner"),
                "contents": [{"type": "markdown", "content": "i1"}],
            },
        ],
    }
    model.apply(make_command("output", spec), "cell-7")
    outer, inner = model.scope("outer"), model.scope("inner")
    assert outer is not None and inner is not None
    assert inner.parent is outer and outer.root_id == inner.root_id == "cell-7"
    assert model.root("cell-7").texts() == ["o1", "i1"]
    model.apply(text("i2", "inner"), "page")
    assert outer.texts() == ["o1", "i1", "i2"]


def test_put_scope_with_existing_name_replaces_it(model: PageModel) -> None:
    model.apply(set_scope("dup"), "page")
    model.apply(text("old", "dup"), "page")
    spec = {
        "type": "scope",
        "dom_id": scope_dom_id("dup"),
        "scope": scope_selector(ROOT),
        "position": -1,
        "contents": [{"type": "text", "content": "new"}],
    }
    model.apply(make_command("output", spec), "page")
    assert model.root("page").texts() == ["new"]
    assert len(model.root("page").children) == 1


def test_texts_collects_nested_and_table_content() -> None:
    node = ScopeNode(
        ROOT,
        "page",
        children=[
            {"type": "text", "content": "t"},
            {"type": "html", "content": "<b>h</b>"},
            {"type": "code", "content": "c"},
            {"type": "buttons", "buttons": [{"label": "not text", "value": 0}]},
            {"type": "table", "data": [["k", {"type": "text", "content": "cell"}]]},
            {"type": "row", "contents": [{"type": "markdown", "content": "m"}]},
        ],
    )
    assert node.texts() == ["t", "<b>h</b>", "c", "k", "cell", "m"]


# ------------------------------------------------------------------ logbox text
def test_a_snapshot_brings_a_logboxs_text_back(run_app: Any) -> None:
    from pywebio_nb.battery import logbox_append, logbox_clear, put_logbox
    from pywebio_nb.session import _page_model

    def app() -> None:
        put_logbox("log")
        for i in range(3):
            logbox_append("log", f"line {i}\n")
        put_logbox("other")
        logbox_append("other", "gone")
        logbox_clear("other")
        logbox_append("other", "kept")
        put_logbox("again")
        logbox_append("again", "old")
        put_logbox("again")  # a new box of that name starts empty

    run = run_app(app)
    run.join()
    page = run.session.page
    boxes = {
        c["spec"]["name"]: c["spec"] for c in page.snapshot("page") if c["command"] == "logbox"
    }
    assert boxes["log"] == {"name": "log", "text": "line 0\nline 1\nline 2\n", "clear": True}
    assert boxes["other"]["text"] == "kept"
    assert "again" not in boxes
    assert page.logbox_text("log").endswith("line 2\n")
    # The text kept is bounded: its tail.
    page.apply(
        make_command("logbox", {"name": "log", "text": "x" * _page_model.LOGBOX_KEEP}), "page"
    )
    assert len(page.logbox_text("log")) == _page_model.LOGBOX_KEEP
