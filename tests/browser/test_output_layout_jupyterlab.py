"""Popup, toast and layouts in a real JupyterLab 4.6 (headless Chromium).

The popup's backdrop covers the notebook panel (not the whole window) and the toast
sits at the panel's top right, above the cells; both follow JupyterLab's light/dark
theme; rendering them changes no computed style of JupyterLab's own elements.
"""

from __future__ import annotations

from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    JupyterServer,
    assert_no_command_errors,
    cell,
    check_page_errors,
    console_log,
    execute_command,
    lab_server,
    open_notebook,
    run_all,
    wait_for_all_executed,
    wait_for_output_text,
)

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

#: Computed styles of JupyterLab elements outside the widget, read before and after.
_STYLES_JS = """() => {
  const props = ['font-family', 'font-size', 'color', 'background-color', 'margin-top',
                 'padding-left', 'line-height', 'border-bottom-width', 'display'];
  const pick = (sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const cs = getComputedStyle(el);
    return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
  };
  return {
    toolbar: pick('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar'),
    // (not the prompts: JupyterLab recolours the active cell's prompt itself)
    heading: pick('.jp-NotebookPanel-toolbar, .jp-Toolbar-item'),
    editor: pick('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-editor'),
    body: pick('body'),
    button: pick('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar button'),
  };
}"""

_LUMINANCE_JS = """(el) => {
  const m = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number);
  return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255;
}"""


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box  # type: ignore[no-any-return]


def test_popup_and_toast_sit_in_the_notebook_panel_and_follow_the_theme(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    name = lab_server.write_notebook(
        "popup",
        [
            "from pywebio_nb.output import *\n"
            "put_row([put_text('left'), None, put_text('right')], size='1fr 10px 1fr')",
            "popup('Hello popup', [put_text('in popup'),\n"
            "                      put_button('close it', onclick=close_popup)])\n"
            "toast('hi toast', duration=0, position='right')",
        ],
    )
    open_notebook(page, lab_server.notebook_url(name))
    before = page.evaluate(_STYLES_JS)
    run_all(page)
    wait_for_all_executed(page)
    wait_for_output_text(page, 0, "left")
    dialog = page.locator(".pywebio-popup")
    dialog.wait_for(timeout=20_000)
    assert page.evaluate(_STYLES_JS) == before, "the widget changed JupyterLab's styles"

    panel = _box(page.locator(f"{PANEL} .jp-WindowedPanel-outer, {PANEL} .jp-Notebook").first)
    backdrop = _box(page.locator(".pywebio-popup-backdrop"))
    window = page.viewport_size
    # the notebook panel is the containing block: the backdrop covers it, not the window
    assert backdrop["width"] < window["width"] and backdrop["x"] > 0
    assert abs(backdrop["x"] - panel["x"]) < 2 and abs(backdrop["width"] - panel["width"]) < 20
    box = _box(dialog)
    assert (
        backdrop["x"] <= box["x"] and box["x"] + box["width"] <= backdrop["x"] + backdrop["width"]
    )
    toast = _box(page.locator(".pywebio-toast"))
    assert toast["x"] + toast["width"] <= backdrop["x"] + backdrop["width"] + 1
    assert toast["x"] + toast["width"] > backdrop["x"] + backdrop["width"] - 60  # right side

    light = dialog.evaluate(_LUMINANCE_JS)
    execute_command(page, "apputils:change-theme", {"theme": "JupyterLab Dark"})
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=20_000)
    page.wait_for_function(
        "(el) => { const m = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number);"
        " return m[0] + m[1] + m[2] < 300; }",
        arg=dialog.element_handle(),
        timeout=20_000,
    )
    dark = dialog.evaluate(_LUMINANCE_JS)
    assert light > 0.8 and dark < 0.4, (light, dark)

    page.get_by_role("button", name="close it").click()
    dialog.wait_for(state="detached", timeout=20_000)
    assert cell(page, 1).locator(".pywebio-popup").count() == 0
    execute_command(page, "apputils:change-theme", {"theme": "JupyterLab Light"})
    assert_no_command_errors(page)
    check_page_errors(page)
