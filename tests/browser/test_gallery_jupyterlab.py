"""notebooks/output_gallery.ipynb in a real JupyterLab 4.6 (headless Chromium).

Runs the gallery, saves screenshots of the light and dark themes into
``test-artifacts/`` (gallery-jupyterlab-*.png) and asserts with bounding boxes,
not pixels: the popup and the toast sit inside the notebook panel, row / column /
grid tracks have their sizes, a colspan cell spans its columns' width and a
rowspan cell its rows' height; clicks on buttons inside the table, the tabs, the
collapse, the popup and on the toast run their callbacks, which write into
their own cell; the popup's close button closes it.
"""

from __future__ import annotations

import pathlib
import shutil
from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    JupyterServer,
    assert_no_command_errors,
    cell,
    cell_output_text,
    check_page_errors,
    console_log,
    execute_command,
    lab_server,
    open_notebook,
    run_all,
    wait_for_output_text,
)
from conftest import ARTIFACTS

GALLERY = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "output_gallery.ipynb"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
WAIT = 20_000
#: Sub-pixel rounding and borders: boxes compare within this many CSS pixels.
SLACK = 2.5


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box  # type: ignore[no-any-return]


def _near(a: float, b: float, slack: float = SLACK) -> bool:
    return abs(a - b) <= slack


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        outer["x"] - 1 <= inner["x"]
        and outer["y"] - 1 <= inner["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def _cell_index(marker: str) -> int:
    """Index of the gallery's cell whose source contains ``marker``."""
    import nbformat

    nb = nbformat.read(GALLERY, as_version=4)
    (index,) = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and marker in c.source]
    return index


def _set_theme(page: Any, theme: str) -> None:
    execute_command(page, "apputils:change-theme", {"theme": f"JupyterLab {theme}"})
    light = "true" if theme == "Light" else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'", timeout=WAIT)
    # the theme's stylesheet is applied once the notebook's background follows it
    page.wait_for_function(
        """(light) => {
          const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
          const m = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number);
          return (m[0] + m[1] + m[2] > 384) === light;
        }""",
        arg=theme == "Light",
        timeout=WAIT,
    )
    # JupyterLab covers the page with its splash screen while it swaps themes
    page.locator("#jupyterlab-splash").wait_for(state="detached", timeout=WAIT)


#: Luminance (0 black .. 1 white) of an element's background colour.
_LUMINANCE_JS = """(el) => {
  const bg = getComputedStyle(el).backgroundColor;  // rgb(0-255...) or color(srgb 0-1...)
  const m = bg.match(/[\\d.]+/g).map(Number);
  const scale = bg.startsWith('color(') ? 1 : 255;
  return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / scale;
}"""

#: [Prism keyword colour, the theme's editor keyword colour] of a code output.
_KEYWORD_COLOURS_JS = """(code) => {
  const probe = document.createElement('span');
  probe.style.color = 'var(--jp-mirror-editor-keyword-color)';
  document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook').append(probe);
  const theme = getComputedStyle(probe).color;
  probe.remove();
  return [getComputedStyle(code.querySelector('.token.keyword')).color, theme];
}"""


def _theme_checks(page: Any, theme: str) -> None:
    """What follows the theme: code colours, message backgrounds, the close icon."""
    code = cell(page, _cell_index("put_code(")).locator(".pywebio-code")
    code.locator(".token.keyword").first.wait_for(timeout=WAIT)  # Prism loaded
    prism, editor = code.evaluate(_KEYWORD_COLOURS_JS)
    assert prism == editor, (theme, prism, editor)  # the cell editor's own keyword colour
    message = cell(page, _cell_index("put_info(")).locator(".pywebio-message").first
    shade = message.evaluate(_LUMINANCE_JS)
    assert (shade > 0.8) if theme == "Light" else (shade < 0.3), (theme, shade)
    close = page.locator(".pywebio-message .btn-close").first
    inverted = close.evaluate("(el) => getComputedStyle(el).filter") != "none"
    assert inverted == (theme == "Dark")


def _screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"gallery-jupyterlab-{name}.png"))


def test_gallery_in_jupyterlab_light_and_dark(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    shutil.copy(GALLERY, lab_server.root / "output_gallery-lab.ipynb")
    open_notebook(page, lab_server.notebook_url("output_gallery-lab.ipynb"))
    run_all(page)
    last = _cell_index("Finished trying the gallery?")
    cell(page, last).locator(".pywebio-form input[name=data]").wait_for(timeout=WAIT)

    # ----------------------------------------------------- popup and toast
    overlays = _cell_index("Gallery popup")
    dialog = page.locator(".pywebio-popup")
    dialog.wait_for(timeout=WAIT)
    panel = _box(page.locator(f"{PANEL} .jp-WindowedPanel-outer, {PANEL} .jp-Notebook").first)
    backdrop = _box(page.locator(".pywebio-popup-backdrop"))
    assert _near(backdrop["x"], panel["x"]) and _near(backdrop["width"], panel["width"], 20)
    assert backdrop["width"] < page.viewport_size["width"]  # the panel, not the window
    box = _box(dialog)
    assert _inside(box, backdrop)
    centre = backdrop["x"] + backdrop["width"] / 2
    assert _near(box["x"] + box["width"] / 2, centre, 2), (box, backdrop)
    toast = page.locator(".pywebio-toast", has_text="gallery toast")
    toast_box = _box(toast)
    assert _inside(toast_box, backdrop), (toast_box, backdrop)
    assert toast_box["x"] + toast_box["width"] > backdrop["x"] + backdrop["width"] - 60
    _theme_checks(page, "Light")
    _screenshot(page, "light-popup")
    _set_theme(page, "Dark")
    _theme_checks(page, "Dark")
    _screenshot(page, "dark-popup")

    # ------------------------------------- clicks reach the right callbacks
    dialog.get_by_role("button", name="Popup button").click()
    wait_for_output_text(page, overlays, "overlay-log got Popup button")
    dialog.locator(".btn-close").click()
    dialog.wait_for(state="detached", timeout=WAIT)
    toast.click()
    wait_for_output_text(page, overlays, "overlay-log got toast")

    tables = _cell_index("put_table(")
    table = cell(page, tables).locator(".pywebio-table").first
    table.get_by_role("button", name="Edit").click()
    wait_for_output_text(page, tables, "table-log got Edit")
    table.get_by_role("button", name="Row B").click()
    wait_for_output_text(page, tables, "table-log got row B")

    tabs_cell = _cell_index("put_tabs(")
    tabs = cell(page, tabs_cell).locator(".pywebio-tabs")
    tabs.get_by_role("tab", name="Second tab").click()
    tabs.get_by_text("second tab text").wait_for(timeout=WAIT)
    tabs.get_by_role("tab", name="First tab").click()
    tabs.get_by_role("button", name="Tab button").click()
    wait_for_output_text(page, tabs_cell, "tabs-log got Tab button")
    tabs.locator("xpath=..").get_by_role("button", name="Collapse button").click()
    wait_for_output_text(page, tabs_cell, "collapse-log got clicked")

    # -------------------------------------------- table spans (boxes)
    head = [_box(th) for th in table.locator("thead th").all()]
    assert len(head) == 3
    colspan = _box(table.locator("tbody tr").nth(0).locator("td").first)
    assert _near(colspan["x"], head[0]["x"])
    assert _near(colspan["width"], head[0]["width"] + head[1]["width"]), (colspan, head)
    rows = [_box(tr) for tr in table.locator("tbody tr").all()]
    rowspan = _box(table.locator("tbody tr").nth(2).locator("td").first)
    assert _near(rowspan["y"], rows[2]["y"])
    assert _near(rowspan["height"], rows[2]["height"] + rows[3]["height"]), (rowspan, rows)

    # ------------------------------------- row / column / grid track sizes
    layout = cell(page, _cell_index("put_row(")).locator(".jp-OutputArea-output")
    left = _box(layout.get_by_text("row left"))
    right = _box(layout.get_by_text("row right"))
    assert _near(left["width"], 120) and _near(right["width"], 240), (left, right)
    assert _near(right["x"] - (left["x"] + left["width"]), 10), (left, right)
    top = _box(layout.get_by_text("column top"))
    bottom = _box(layout.get_by_text("column bottom"))
    column = _box(layout.locator(".pywebio-column"))
    # the tracks (a text's own box stops at its bottom margin)
    assert _near(top["y"], column["y"]) and _near(bottom["y"], top["y"] + 50), (top, bottom)
    assert _near(column["height"], 130), column
    grid = {t: _box(layout.get_by_text(t, exact=True)) for t in ("grid 1", "grid 2", "grid wide")}
    g1, g2, wide = grid["grid 1"], grid["grid 2"], grid["grid wide"]
    assert _near(g1["width"], 100) and _near(g2["x"], g1["x"] + 100), grid
    assert _near(wide["y"], g1["y"] + 40) and _near(wide["width"], 200), grid  # col=2
    assert _near(_box(layout.locator(".pywebio-grid"))["height"], 80)
    styled = layout.get_by_text("styled text")
    assert styled.evaluate("(el) => getComputedStyle(el).color") == "rgb(220, 53, 69)"

    # ----------------------------------------------- whole-notebook screenshots
    height = page.evaluate(
        """() => {
          const outer = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
          return outer.scrollHeight + outer.getBoundingClientRect().top + 40;
        }"""
    )
    page.set_viewport_size({"width": 1280, "height": int(min(height, 12_000))})
    page.wait_for_function(
        """() => {
          const outer = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
          outer.scrollTop = 0;
          const cells = outer.querySelectorAll('.jp-Cell');
          const lastCell = cells[cells.length - 1].getBoundingClientRect();
          return lastCell.bottom <= outer.getBoundingClientRect().bottom;
        }""",
        timeout=WAIT,
    )
    _screenshot(page, "dark")
    _set_theme(page, "Light")
    _theme_checks(page, "Light")
    _screenshot(page, "light")

    # ---------------------- the last cell waited; submitting it lists the callbacks
    form = cell(page, last).locator(".pywebio-form")
    form.locator("button[type=submit]").click()
    wait_for_output_text(page, last, "callbacks seen: ")
    assert (
        "callbacks seen: overlay-log:Popup button, overlay-log:toast, table-log:Edit, "
        "table-log:row B, tabs-log:Tab button, collapse-log:clicked"
    ) in cell_output_text(page, last)
    # the popup the user closed with its button is gone from the kernel's page model too
    # (the popup_closed event); asked once the kernel is free (the last cell has ended)
    assert _kernel_eval(page, "len(find_kernel_session().page.popups)") == "0"
    assert_no_command_errors(page)
    check_page_errors(page)


def _kernel_eval(page: Any, expression: str) -> str:
    """``repr`` of ``expression`` evaluated in the notebook's kernel (a silent request)."""
    reply = page.evaluate(
        """async (expression) => {
          const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
          const future = kernel.requestExecute({
            code: 'from pywebio_nb.jupyter._kernel_session import find_kernel_session',
            silent: true, store_history: false, user_expressions: {value: expression}});
          const reply = await future.done;
          return reply.content.user_expressions.value;
        }""",
        expression,
    )
    assert reply["status"] == "ok", reply
    return str(reply["data"]["text/plain"])
