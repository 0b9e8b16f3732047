"""notebooks/output_gallery.ipynb executed by nbclient with the scripted frontend.

The frontend clicks buttons inside a table, tabs, a collapse, the popup and the
toast while the notebook runs, closes the popup as a user would (``popup_closed``)
and answers the last cell's ``actions``. The test then rebuilds the page every
cell root would show from the commands it received (the session's own
:class:`PageModel`, the Python twin of the renderer's tree) and asserts on it.
"""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
import scripted_frontend
from scripted_frontend import Script, ScriptedWidget, run_notebook

from pywebio_nb.session._page_model import PageModel

GALLERY = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "output_gallery.ipynb"


def _buttons(widget: ScriptedWidget, spec: Any, found: list[Any]) -> None:
    """Every button in ``spec``, however deeply nested (tabs, popups, cells)."""
    if isinstance(spec, dict):
        if spec.get("type") == "buttons" and "callback_id" in spec:
            for button in spec.get("buttons", []):
                found.append((widget, button["label"], (spec["callback_id"], button["value"])))
        for value in spec.values():
            _buttons(widget, value, found)
    elif isinstance(spec, list):
        for item in spec:
            _buttons(widget, item, found)


class GalleryScript(Script):
    """The scripted frontend, plus buttons anywhere, toasts and user-closed popups.

    Extra steps: ``("click_toast", text)`` clicks the toast whose content holds
    ``text``; ``("close_popup", None)`` closes the shown popup as its close button
    does (the ``popup_closed`` event).
    """

    def buttons(self) -> list[tuple[ScriptedWidget, str, int]]:
        found: list[Any] = []
        for w in self.widgets:
            for command in w.received:
                if command["command"] in ("output", "popup"):
                    _buttons(w, command["spec"], found)
        return found

    def _commands(self, name: str) -> list[tuple[ScriptedWidget, dict[str, Any]]]:
        return [(w, c) for w, c in self.log if c["command"] == name]

    def advance(self) -> None:
        while self.steps:
            kind, arg = self.steps[0]
            if kind == "click_toast":
                toasts = [(w, c) for w, c in self._commands("toast") if arg in c["spec"]["content"]]
                if not toasts:
                    return
                widget, toast = toasts[-1]
                widget.send_event("callback", toast["spec"]["callback_id"], None)
            elif kind == "close_popup":
                popups = self._commands("popup")
                if not popups:
                    return
                widget, shown = popups[-1]
                widget.send_event("popup_closed", None, {"dom_id": shown["spec"]["dom_id"]})
            else:
                rest, self.steps = self.steps[1:], self.steps[:1]
                super().advance()  # one step of the base script
                done = not self.steps
                self.steps = rest if done else [self.steps[0], *rest]
                if not done:
                    return
                continue
            self.steps.pop(0)


CLICKS = [
    # (button label, the log scope it writes to, the line it writes)
    ("Edit", "table-log", "table-log got Edit"),
    ("Row B", "table-log", "table-log got row B"),
    ("primary", "buttons-log", "buttons-log got p"),
    ("tuple", "buttons-log", "buttons-log got t"),
    ("grouped 2", "buttons-log", "buttons-log got grouped 2"),
    ("single button", "buttons-log", "buttons-log got single"),
    ("Tab button", "tabs-log", "tabs-log got Tab button"),
    ("Collapse button", "collapse-log", "collapse-log got clicked"),
    ("Popup button", "overlay-log", "overlay-log got Popup button"),
]

STEPS: list[Any] = [
    *[step for label, _, line in CLICKS for step in (("click", label), ("expect", line))],
    ("click_toast", "gallery toast"),
    ("expect", "overlay-log got toast"),
    ("close_popup", None),
    ("submit", {"data": "done"}),
]


@pytest.fixture(scope="module", params=["python3", "ipykernel6"])
def gallery_run(request: pytest.FixtureRequest) -> tuple[Any, GalleryScript]:
    """One run of the gallery per kernel, shared by the tests of this module."""
    kernel = request.param
    kernel_name = request.getfixturevalue("ipykernel6") if kernel == "ipykernel6" else kernel
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scripted_frontend, "Script", GalleryScript)
        nb, script = run_notebook(str(GALLERY), STEPS, timeout=90, kernel_name=kernel_name)
    assert isinstance(script, GalleryScript)
    return nb, script


def _page(script: Script) -> PageModel:
    """What the browser shows: every received command applied, root by root."""
    model = PageModel()
    for widget, command in script.log:
        model.apply(command, widget.root_id)  # type: ignore[arg-type]
    return model


def _types(spec: Any, found: set[str]) -> set[str]:
    if isinstance(spec, dict):
        if isinstance(spec.get("type"), str):
            found.add(spec["type"])
        for value in spec.values():
            _types(value, found)
    elif isinstance(spec, list):
        for item in spec:
            _types(item, found)
    return found


def _specs(spec: Any, kind: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(spec, dict):
        if spec.get("type") == kind:
            out.append(spec)
        for value in spec.values():
            out.extend(_specs(value, kind))
    elif isinstance(spec, list):
        for item in spec:
            out.extend(_specs(item, kind))
    return out


def test_gallery_runs_every_output_function(gallery_run: tuple[Any, GalleryScript]) -> None:
    nb, script = gallery_run
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors == []
    assert not script.steps, f"steps left: {script.steps}"
    commands = [c for _, c in script.log]
    outputs = [c["spec"] for c in commands if c["command"] in ("output", "popup")]
    shown = _types(outputs, set())
    # every output type of the chapter (pin belongs to the pin chapter)
    assert shown >= {
        "text", "markdown", "html", "code", "table", "message", "link", "processbar",
        "loading", "widget", "buttons", "scope", "scrollable", "row", "column", "grid",
        "collapse", "tabs", "file", "image",
    }, shown  # fmt: skip
    names = {c["command"] for c in commands}
    assert names >= {"output", "output_ctl", "popup", "toast", "set_processbar", "blob"}
    ctl = [c["spec"] for c in commands if c["command"] == "output_ctl"]
    assert {op for spec in ctl for op in spec} >= {"set_scope", "clear", "remove", "scroll_to"}


def test_gallery_page_after_the_clicks(gallery_run: tuple[Any, GalleryScript]) -> None:
    _nb, script = gallery_run
    page = _page(script)

    def texts(scope: str) -> list[str]:
        node = page.scope(scope)
        assert node is not None, f"scope {scope!r} is not shown"
        return node.texts()

    # scopes: position=0 put 'line 1' first; clear() and remove() took effect
    assert texts("scopes") == [
        "scope line 1",
        "scope line 2",
        "get_scope() is scopes",
        "inner first",
        "inner second",
    ]
    assert texts("to-clear") == []
    assert page.scope("to-remove") is None
    # every click reached its own callback, which wrote into its own cell
    for _, scope, line in CLICKS:
        assert line in texts(scope), (scope, texts(scope))
    assert texts("overlay-log") == ["overlay-log got Popup button", "overlay-log got toast"]
    # ...in the cell that shows the button (each section is a cell root of its own)
    button_roots = {label: w.root_id for w, label, _ in script.buttons()}
    for label, scope, _ in CLICKS:
        assert page.root_of(scope) == button_roots[label], (label, scope)
    assert len({page.root_of(scope) for _, scope, _ in CLICKS}) == 4
    # the last cell waited for Done while the callbacks ran, then listed them
    summary = [t for t in script.texts() if t.startswith("callbacks seen: ")]
    assert summary == [
        "callbacks seen: table-log:Edit, table-log:row B, buttons-log:p, buttons-log:t, "
        "buttons-log:grouped 2, buttons-log:single, tabs-log:Tab button, collapse-log:clicked, "
        "overlay-log:Popup button, overlay-log:toast"
    ]


def test_gallery_specs(gallery_run: tuple[Any, GalleryScript]) -> None:
    _nb, script = gallery_run
    page = _page(script)
    specs = [c["spec"] for _, c in script.log if c["command"] in ("output", "popup")]
    # the table: header row first, a colspan and a rowspan, rich and button cells
    table = next(
        t for t in _specs(specs, "table") if t["data"][0] == ["Column A", "Column B", "Column C"]
    )
    assert table["span"] == {"1,0": {"row": 1, "col": 2}, "3,0": {"row": 2, "col": 1}}
    assert [c["type"] for c in (table["data"][1][1], table["data"][2][2])] == [
        "buttons",
        "markdown",
    ]
    # layouts keep their sizes; the grid's span reaches two columns
    sized, styled_row = _specs(specs, "row")
    assert sized["size"] == "120px 10px 240px"
    (column,) = _specs(specs, "column")
    assert column["size"] == "50px 80px"
    (grid,) = _specs(specs, "grid")
    assert (grid["cell_widths"], grid["cell_heights"]) == ("repeat(3, 100px)", "repeat(2, 40px)")
    (wide,) = [c for c in grid["contents"] if c.get("content") == "grid wide"]
    assert "grid-column-start: span 2" in wide["style"]
    # style(): the styled text carries its CSS
    styled = [t for t in _specs(specs, "text") if t.get("content") == "styled text"]
    assert styled and "color: rgb(220, 53, 69)" in styled[0]["style"]
    both = [(c["content"], c["style"].strip(";")) for c in styled_row["contents"]]
    css = "border: 1px dashed gray"
    assert both == [("styled one", css), ("styled two", css)]
    # the processbar shows its last value (coalesced updates, nothing lost)
    bars = [s for s in _specs([_page_specs(page)], "processbar") if s["name"] == "gallery bar"]
    assert [(b["value"], b["label"]) for b in bars] == [(0.7, "70%")]
    # the image's bytes came as a blob (a comm buffer), not inside the JSON
    (image,) = _specs(specs, "image")
    assert image["src"]["mime"] == "image/png" and image["width"] == "120px", image
    blobs = {c["spec"]["id"]: c["spec"] for _, c in script.log if c["command"] == "blob"}
    assert blobs[image["src"]["blob"]]["size"] == image["src"]["size"]
    (file,) = _specs(specs, "file")
    assert (file["name"], file["label"]) == ("gallery.txt", "download gallery.txt")
    assert file["content"]["blob"] in blobs
    # the toast and the popup
    toasts = [c["spec"] for _, c in script.log if c["command"] == "toast"]
    assert [(t["content"], t["duration"], t["position"]) for t in toasts] == [
        ("gallery toast: click me", 0, "right"),
        ("a short toast", 3000, "left"),
    ]
    (popup,) = [c["spec"] for _, c in script.log if c["command"] == "popup"]
    assert popup["title"] == "Gallery popup"
    assert [c["type"] for c in popup["content"]] == ["text", "buttons"]


def _page_specs(page: PageModel) -> list[Any]:
    return [command["spec"] for root in page.roots for command in page.snapshot(root)]
