"""XSS on the server page (issue 11): hostile text in every place the manual treats as
text is shown literally and never runs; ``sanitize=True`` HTML and Markdown lose their
scripts, ``on*`` handlers and ``javascript:`` URLs; a ``javascript:`` link URL is refused.

``xss_app`` is self-contained (its own imports) because ``test_xss_jupyterlab.py`` sends
its source text into a notebook cell: the same code is checked in both modes.

How "nothing ran" is known without sleeping: a payload that would run sets
``window.__xss`` (or opens an ``alert`` dialog). The app ends its output with one
*unsanitized* ``put_html`` canary, a broken image whose ``onerror`` sets
``window.__canary`` (unsanitized HTML is markup by design). The check waits until every
image of the page finished loading or failing and the canary fired: a payload image's
``onerror`` would have been queued by then, so ``window.__xss`` being still undefined
means it never ran.
"""

from __future__ import annotations

from typing import Any

#: Every vector in one string (no spaces, so whitespace handling cannot split it).
PAYLOAD = (
    '<img src=x onerror="window.__xss=1">'
    "<script>window.__xss=2</script>"
    '"><svg onload=window.__xss=3>'
    "{{constructor.constructor('window.__xss=5')()}}"
    "<img src=x onerror=alert(6)>"
)
JS_URL = "javascript:window.__xss=4"

#: The places ``xss_app`` puts ``place + ':' + PAYLOAD`` as text, shown literally in a
#: text node (or a ``placeholder`` attribute). Shared by both modes.
TEXT_PLACES = [
    "put_text",
    "table cell",
    "table header",
    "put_buttons label",
    "put_button label",
    "tab title",
    "tab content",
    "collapse title",
    "collapse content",
    "put_info",
    "put_code",
    "put_widget data",
    "popup title",
    "popup content",
    "toast",
    "processbar label",
    "processbar label set",
    "file label",
    "file name",
    "link name",
    "js link name",
    "image title",
    "pin input label",
    "pin input placeholder",
    "pin input help_text",
    "pin textarea label",
    "pin textarea placeholder",
    "pin select label",
    "pin select option",
    "pin checkbox label",
    "pin checkbox option",
    "pin radio label",
    "pin radio option",
    "pin slider label",
    "pin actions label",
    "pin actions button",
    "input_group label",
    "input label",
    "input placeholder",
    "input help_text",
    "input datalist",
    "input action label",
    "textarea label",
    "textarea placeholder",
    "select label",
    "select option",
    "checkbox label",
    "checkbox option",
    "radio label",
    "radio option",
    "slider label",
    "file_upload label",
    "file_upload placeholder",
    "actions label",
    "actions button",
]


def xss_app() -> None:  # the source of this function is also a notebook cell
    from pywebio_nb.input import (
        actions,
        checkbox,
        file_upload,
        input,
        input_group,
        radio,
        select,
        slider,
        textarea,
    )
    from pywebio_nb.output import (
        popup,
        put_button,
        put_buttons,
        put_code,
        put_collapse,
        put_file,
        put_html,
        put_image,
        put_info,
        put_link,
        put_markdown,
        put_processbar,
        put_scope,
        put_table,
        put_tabs,
        put_text,
        put_widget,
        set_processbar,
        toast,
        use_scope,
    )
    from pywebio_nb.pin import (
        put_actions,
        put_checkbox,
        put_input,
        put_radio,
        put_select,
        put_slider,
        put_textarea,
    )

    payload = (
        '<img src=x onerror="window.__xss=1">'
        "<script>window.__xss=2</script>"
        '"><svg onload=window.__xss=3>'
        "{{constructor.constructor('window.__xss=5')()}}"
        "<img src=x onerror=alert(6)>"
    )
    js_url = "javascript:window.__xss=4"

    def p(place: str) -> str:
        return place + ":" + payload

    def nothing(*_: object) -> None:
        pass

    put_text(p("put_text"))
    put_table([[p("table cell"), "plain"]], header=[p("table header"), "h2"])
    put_buttons([p("put_buttons label"), {"label": "second", "value": 2}], onclick=nothing)
    put_button(p("put_button label"), onclick=nothing)
    put_tabs(
        [
            {"title": p("tab title"), "content": p("tab content")},
            {"title": "second tab", "content": "second"},
        ]
    )
    put_collapse(p("collapse title"), p("collapse content"), open=True)
    put_info(p("put_info"))
    put_code(p("put_code"), language="html")
    put_widget(
        "<div class=xss-widget>{{#items}}{{& pywebio_output_parse}}{{/items}}</div>",
        {"items": [p("put_widget data")]},
    )
    put_processbar(p("processbar name"), 0.3, label=p("processbar label"))
    put_processbar("bar2", 0.1)
    set_processbar("bar2", 0.6, label=p("processbar label set"))
    put_file(p("file name"), b"data")
    put_file("f.txt", b"data", label=p("file label"))
    put_link(p("link name"), url="https://example.invalid/")
    put_link(p("js link name"), url=js_url)
    put_image(js_url, title=p("image title"))  # refused: no src, the title is the alt text
    put_markdown(
        "markdown-sanitized " + payload + "\n\n[md js link](" + js_url + ")\n\n"
        '<a href="' + js_url + '">md raw js link</a>'
    )
    put_html(
        "<p>html-sanitized</p>" + payload + '<a href="' + js_url + '">html js link</a>'
        '<iframe src="' + js_url + '"></iframe>'
        '<form action="' + js_url + '"><button>html form</button></form>',
        sanitize=True,
    )
    # Scope names are DOM ids: anything but letters, digits, '-' and '_' is refused.
    for make in (lambda: put_scope(payload), lambda: use_scope(payload)):
        try:
            make()
        except ValueError:
            put_text("scope name refused")
    put_input(
        "pin_in",
        label=p("pin input label"),
        placeholder=p("pin input placeholder"),
        help_text=p("pin input help_text"),
    )
    put_textarea("pin_ta", label=p("pin textarea label"), placeholder=p("pin textarea placeholder"))
    put_select("pin_sel", [p("pin select option"), "b"], label=p("pin select label"))
    put_checkbox("pin_cb", [p("pin checkbox option")], label=p("pin checkbox label"))
    put_radio("pin_ra", [p("pin radio option")], label=p("pin radio label"))
    put_slider("pin_sl", label=p("pin slider label"))
    put_actions("pin_ac", label=p("pin actions label"), buttons=[p("pin actions button")])
    toast(p("toast"), duration=0)
    popup(p("popup title"), p("popup content"))
    # The canary (see the module docstring): unsanitized HTML is markup by design.
    put_html('<img src=x data-canary onerror="window.__canary=1">')
    input_group(
        p("input_group label"),
        [
            input(
                p("input label"),
                name="text",
                placeholder=p("input placeholder"),
                help_text=p("input help_text"),
                datalist=[p("input datalist")],
                action=(p("input action label"), nothing),
                validate=lambda _: p("validate error"),
            ),
            textarea(p("textarea label"), name="ta", placeholder=p("textarea placeholder")),
            select(p("select label"), [p("select option"), "b"], name="sel"),
            checkbox(p("checkbox label"), [p("checkbox option")], name="cb"),
            radio(p("radio label"), [p("radio option")], name="ra"),
            slider(p("slider label"), name="sl"),
            file_upload(
                p("file_upload label"), name="up", placeholder=p("file_upload placeholder")
            ),
            actions(
                p("actions label"), [{"label": p("actions button"), "value": "go"}], name="act"
            ),
        ],
    )


def server_app() -> None:
    from pywebio_nb.session import set_env

    set_env(title="set_env title:" + PAYLOAD)  # the page's title (server mode only)
    xss_app()


#: Walks the document and every open shadow root: text nodes, placeholders, and what
#: must not be there (an ``on*`` attribute, a ``javascript:`` URL attribute, a live
#: ``<script>`` or an ``<iframe>`` from a payload; DOMPurify keeps a bare ``<svg>``).
INSPECT_JS = """
() => {
  const texts = [], placeholders = [], bad = [], images = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { texts.push(node.textContent); return; }
    if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node;
      const inOurs = el.closest('[class*="pywebio"], #pywebio-nb-root')
        || el.getRootNode() instanceof ShadowRoot;
      if (el.tagName === 'IMG') images.push(el);
      // text kept as attribute values (placeholder, a file input's title, an image's alt,
      // a datalist entry)
      for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
        if (el.hasAttribute(a)) placeholders.push(el.getAttribute(a));
      }
      if (el.tagName === 'OPTION' && el.parentElement && el.parentElement.tagName === 'DATALIST') {
        placeholders.push(el.getAttribute('value'));
      }
      // Prism splits highlighted code into token spans: the block's text is the whole
      if (el.tagName === 'CODE') texts.push(el.textContent);
      if (inOurs && !el.hasAttribute('data-canary')) {
        for (const a of el.getAttributeNames()) {
          const v = el.getAttribute(a) || '';
          if (/^on/i.test(a)) bad.push(`${el.tagName} ${a}=${v}`);
          if (/^\\s*javascript:/i.test(v)) bad.push(`${el.tagName} ${a}=${v}`);
        }
        if (el.tagName === 'SCRIPT' && el.textContent.includes('__xss')) {
          bad.push('SCRIPT ' + el.textContent);
        }
        if (el.tagName === 'IFRAME') bad.push('IFRAME ' + el.getAttribute('src'));
      }
      if (el.tagName === 'STYLE') return;
      if (el.shadowRoot) walk(el.shadowRoot);
    }
    for (const c of node.childNodes) walk(c);
  };
  walk(document);
  return {texts, placeholders, bad, xss: window.__xss === undefined ? null : String(window.__xss),
          imagesDone: images.every((i) => i.complete), canary: window.__canary === 1};
}
"""


def inspect_page(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(INSPECT_JS))


def wait_until_settled(page: Any, timeout_ms: int = 20_000) -> None:
    """Until every image finished (loaded or failed) and the canary's onerror ran."""
    page.wait_for_function(
        """() => {
          const imgs = [];
          const walk = (n) => {
            if (n.nodeType === 1) {
              if (n.tagName === 'IMG') imgs.push(n);
              if (n.shadowRoot) walk(n.shadowRoot);
            }
            for (const c of n.childNodes) walk(c);
          };
          walk(document);
          return window.__canary === 1 && imgs.every((i) => i.complete);
        }""",
        timeout=timeout_ms,
    )


def missing_places(state: dict[str, Any], places: list[str]) -> list[str]:
    """The places whose ``place:PAYLOAD`` is not found literally in a text node or in an
    attribute that holds text (see ``INSPECT_JS``)."""
    found = state["texts"] + state["placeholders"]
    return [place for place in places if not any(place + ":" + PAYLOAD in t for t in found)]


def record_dialogs(page: Any) -> list[str]:
    """The messages of the dialogs (``alert`` and co.) the page opens, each dismissed."""
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def assert_nothing_ran(page: Any, dialogs: list[str]) -> dict[str, Any]:
    state = inspect_page(page)
    assert state["xss"] is None, f"a payload ran: window.__xss = {state['xss']}"
    assert not dialogs, f"a payload opened a dialog: {dialogs}"
    assert not state["bad"], f"live markup from a payload: {state['bad']}"
    return state


def click_js_links(page: Any, root: Any) -> None:
    """Click every link whose text says it was given a ``javascript:`` URL (a refused or
    stripped href makes the click harmless)."""
    for text in ("js link name:", "md js link", "md raw js link", "html js link"):
        link = root.locator("a", has_text=text).first
        link.wait_for(timeout=10_000)
        link.click()


def test_no_payload_runs_on_the_server_page(page: Any, serve: Any) -> None:
    dialogs = record_dialogs(page)
    server = serve(server_app)
    page.goto(server.url)
    root = page.locator("#pywebio-nb-root")
    root.locator(".pywebio-form-item").first.wait_for(timeout=15_000)
    wait_until_settled(page)
    state = assert_nothing_ran(page, dialogs)
    assert not missing_places(state, TEXT_PLACES)
    assert page.title() == "set_env title:" + PAYLOAD
    joined = "\n".join(state["texts"])
    assert joined.count("scope name refused") == 2
    # sanitized HTML and Markdown kept their text, lost their active parts
    assert "html-sanitized" in joined and "markdown-sanitized" in joined
    for selector in (".pywebio-html", ".pywebio-markdown"):
        for html in root.locator(selector).evaluate_all("els => els.map(e => e.innerHTML)"):
            if "data-canary" in html:
                continue
            assert "<script" not in html and "onerror" not in html and "javascript:" not in html, (
                html
            )

    # the popup closes, then a link with a javascript: URL is clicked: nothing runs
    root.locator(".pywebio-popup .btn-close").first.click()
    click_js_links(page, root)
    # a validation message from the app is text too
    root.locator(".pywebio-form button", has_text="actions button:").first.click()
    root.locator(".invalid-feedback", has_text="validate error:").first.wait_for(timeout=10_000)
    state = assert_nothing_ran(page, dialogs)
    assert not missing_places(state, ["validate error"])
    assert not page.page_errors, page.page_errors
