"""The input functions on the server page in Chromium: typing into every input type, a
validation error fixed, dependent selects (onchange + input_update), an action button
with set_value(value, label), reset and cancel, the CodeMirror code textarea (its chunk
fetched only when the form needs it), default strings in the browser's language."""

from __future__ import annotations

import datetime
import pathlib
from collections.abc import Callable
from typing import Any

from pywebio_nb.input import (
    COLOR,
    DATE,
    DATETIME_LOCAL,
    FLOAT,
    NUMBER,
    PASSWORD,
    TIME,
    URL,
    actions,
    checkbox,
    input,
    input_group,
    input_update,
    radio,
    select,
    slider,
    textarea,
)
from pywebio_nb.output import put_text

STATIC = pathlib.Path(__file__).resolve().parents[2] / "pywebio_nb" / "static"
TIMEOUT = 15_000


def _check_age(age: int) -> str | None:
    return "Too young!!" if age < 10 else None


def app() -> None:
    marker = object()
    everything = input_group(
        "Every type",
        [
            input("Text", name="text"),
            input("Age", name="age", type=NUMBER, validate=_check_age),
            input("Float", name="float", type=FLOAT),
            input("Password", name="password", type=PASSWORD),
            input("URL", name="url", type=URL),
            input("Date", name="date", type=DATE),
            input("Time", name="time", type=TIME),
            input("Colour", name="color", type=COLOR),
            input("When", name="when", type=DATETIME_LOCAL),
            textarea("Notes", name="notes", rows=2),
            select("Pick", [("One", 1), ("Two", {"two": 2})], name="pick"),
            checkbox("Tags", [("A", marker), ("B", "b")], name="tags", inline=True),
            radio("Choice", ["x", "y"], name="choice"),
            slider("Volume", name="volume", value=20, step=5),
        ],
    )
    assert everything["tags"][0] is marker  # the very object, not a copy
    everything["tags"] = ["<marker>", *everything["tags"][1:]]
    put_text("every type: " + repr(sorted(everything.items())))

    cities = {"China": ["Beijing", "Shanghai"], "USA": ["New York", "Los Angeles"]}
    location = input_group(
        "Select a location",
        [
            select(
                "Country",
                options=list(cities),
                name="country",
                onchange=lambda c: input_update("city", options=cities[c]),
            ),
            select("City", options=cities["China"], name="city"),
        ],
    )
    put_text("location: " + repr(location))

    def pick_date(set_value: Callable[..., None]) -> None:
        set_value(datetime.date(2020, 1, 2), "Yesterday")

    put_text("date: " + repr(input("Date", action=("Select", pick_date))))
    put_text(
        "cancelled: " + repr(input_group("Cancel me", [input("a", name="a")], cancelable=True))
    )
    code = textarea("Code", code={"mode": "python"}, required=True, rows=4)
    put_text("code: " + repr(code))
    put_text("go: " + repr(actions(buttons=["Go"])))


def _root(page: Any, selector: str) -> Any:
    # The renderer lives in an open shadow root; Playwright's CSS selectors pierce it.
    return page.locator(f"#pywebio-nb-root {selector}")


def _item(page: Any, name: str, selector: str = "input") -> Any:
    return _root(page, f'.pywebio-form-item[data-name="{name}"] {selector}')


def _submit(page: Any) -> None:
    _root(page, "button[type=submit]").first.click()


def test_every_input_on_the_server_page(page: Any, serve: Any) -> None:
    server = serve(app)
    chunks: list[str] = []
    page.on("request", lambda r: chunks.append(r.url) if "/chunks/" in r.url else None)
    page.goto(server.url)

    # --- every type, a validation error fixed
    _item(page, "text").fill("hello")
    _item(page, "age").fill("5")
    _item(page, "float").fill("2.5")
    _item(page, "password").fill("s3cret")
    _item(page, "url").fill("https://example.org")
    _item(page, "date").fill("2024-02-29")
    _item(page, "time").fill("13:45")
    _item(page, "color").fill("#ff8800")
    _item(page, "when").fill("2024-02-29T13:45")
    _item(page, "notes", "textarea").fill("two\nlines")
    _item(page, "pick", "select").select_option(label="Two")
    _item(page, "tags", "input").nth(0).check()
    _item(page, "choice", "input").nth(1).check()
    _item(page, "volume").fill("35")
    assert _item(page, "volume", "output").text_content() == "35"
    _submit(page)
    feedback = _item(page, "age", ".invalid-feedback")
    feedback.wait_for(timeout=TIMEOUT)
    assert feedback.text_content() == "Too young!!"
    assert "is-invalid" in (_item(page, "age").get_attribute("class") or "")
    _item(page, "age").fill("30")
    _submit(page)
    expected = {
        "age": 30,
        "choice": "y",
        "color": "#ff8800",
        "date": "2024-02-29",
        "float": 2.5,
        "notes": "two\nlines",
        "password": "s3cret",
        "pick": {"two": 2},
        "tags": ["<marker>"],
        "text": "hello",
        "time": "13:45",
        "url": "https://example.org",
        "volume": 35,
        "when": "2024-02-29T13:45",
    }
    page.get_by_text("every type: " + repr(sorted(expected.items()))).wait_for(timeout=TIMEOUT)

    # --- dependent selects
    _item(page, "country", "select").select_option(label="USA")
    city = _item(page, "city", "select")
    page.wait_for_function(
        """() => [...document.getElementById('pywebio-nb-root').shadowRoot
              .querySelectorAll('[data-name=city] option')].map(o => o.textContent).join()
              === 'New York,Los Angeles'""",
        timeout=TIMEOUT,
    )
    city.select_option(label="Los Angeles")
    _submit(page)
    page.get_by_text("location: " + repr({"country": "USA", "city": "Los Angeles"})).wait_for(
        timeout=TIMEOUT
    )

    # --- an action button with set_value(value, label): the label shows, read-only
    _root(page, "button").filter(has_text="Select").click()
    field = _item(page, "data")
    page.wait_for_function(
        """() => document.getElementById('pywebio-nb-root').shadowRoot
              .querySelector('[data-name=data] input').value === 'Yesterday'""",
        timeout=TIMEOUT,
    )
    assert field.get_attribute("readonly") is not None
    _submit(page)
    page.get_by_text("date: " + repr(datetime.date(2020, 1, 2))).wait_for(timeout=TIMEOUT)

    # --- reset empties the form, cancel ends it with None
    _item(page, "a").fill("typed")
    _root(page, "button[type=reset]").click()
    assert _item(page, "a").input_value() == ""
    _root(page, "button").filter(has_text="Cancel").click()
    page.get_by_text("cancelled: None").wait_for(timeout=TIMEOUT)

    # --- the code textarea: CodeMirror from its chunk, required, F11/Esc
    editor = _item(page, "data", ".cm-content")
    editor.wait_for(timeout=TIMEOUT)
    assert any("code_editor" in url for url in chunks), chunks
    _submit(page)
    required = _item(page, "data", ".invalid-feedback")
    required.wait_for(timeout=TIMEOUT)
    assert required.text_content() == "Please fill in this field."
    editor.click()
    page.keyboard.type("print(1)")
    page.keyboard.press("F11")
    wrapper = _item(page, "data", ".pywebio-code")
    assert wrapper.evaluate("e => getComputedStyle(e).position") == "fixed"
    box = wrapper.bounding_box()
    assert box is not None and box["width"] == 1280 and box["height"] == 900
    page.keyboard.press("Escape")
    assert wrapper.evaluate("e => getComputedStyle(e).position") != "fixed"
    _submit(page)
    page.get_by_text("code: 'print(1)'").wait_for(timeout=TIMEOUT)

    # --- actions(buttons=["Go"]) alone
    _root(page, "button").filter(has_text="Go").click()
    page.get_by_text("go: 'Go'").wait_for(timeout=TIMEOUT)
    assert page.page_errors == []


def test_default_strings_follow_the_browser_language(browser: Any, serve: Any) -> None:
    server = serve(lambda: put_text(repr(input("Name", required=True))))
    context = browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        page.goto(server.url)
        _root(page, "button[type=submit]").filter(has_text="Absenden").click()
        feedback = _item(page, "data", ".invalid-feedback")
        feedback.wait_for(timeout=TIMEOUT)
        assert feedback.text_content() == "Bitte füllen Sie dieses Feld aus."
        assert _root(page, "button[type=reset]").text_content() == "Zurücksetzen"
    finally:
        context.close()


def test_the_widget_editor_module_imports_from_a_blob_url(page: Any, serve: Any) -> None:
    """What the anywidget does with ``code_module``: static/code_editor.js is one
    self-contained ESM module that works when imported from a Blob URL."""
    server = serve(lambda: put_text("ready"))
    page.goto(server.url)
    page.get_by_text("ready").wait_for(timeout=TIMEOUT)
    source = (STATIC / "code_editor.js").read_text()
    result = page.evaluate(
        """async (source) => {
        const url = URL.createObjectURL(new Blob([source], {type: 'text/javascript'}));
        const module = await import(url);
        const textarea = document.createElement('textarea');
        textarea.value = 'x = 1';
        document.body.append(textarea);
        const editor = module.attachCodeEditor(
            textarea, {code: {mode: 'sql'}, rows: 3, placeholder: ''}, () => {});
        editor.view.dispatch({changes: {from: 0, insert: 'SELECT 1; '}});
        return [textarea.value, !!document.querySelector('.cm-editor .cm-content'),
                document.querySelectorAll('.cm-editor .tok-keyword, .cm-editor span').length > 0];
    }""",
        source,
    )
    assert result == ["SELECT 1; x = 1", True, True]
    assert page.page_errors == []
