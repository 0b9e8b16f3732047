"""Content outputs on the server page in Chromium: lazy chunks, page weight, progress bursts.

The page's first load must stay within 5 requests and 90 KB gzip; Prism and
mustache are chunks that load only when a ``put_code`` with a language or a
``put_widget`` first appears.
"""

from __future__ import annotations

import threading
from typing import Any

from pywebio_nb.output import (
    put_code,
    put_info,
    put_processbar,
    put_table,
    put_text,
    put_widget,
    set_processbar,
    span,
)


def _record(page: Any) -> list[Any]:
    requests: list[Any] = []
    page.on("requestfinished", lambda request: requests.append(request))
    return requests


def test_first_load_is_light_and_lazy_chunks_stay_away(page: Any, serve: Any) -> None:
    server = serve(lambda: put_text("hello"))
    requests = _record(page)
    page.goto(server.url)
    page.get_by_text("hello").wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")
    urls = [r.url for r in requests]
    assert not any("prism" in u or "mustache" in u for u in urls), urls
    # + the WebSocket, which is not a finished HTTP request
    assert len(requests) + 1 <= 5, urls
    wire = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in requests)
    assert wire <= 90 * 1024, (wire, urls)
    assert page.page_errors == []


def test_code_widget_and_progress_render(page: Any, serve: Any) -> None:
    done = threading.Event()

    def app() -> None:
        put_code("def f(x):\n    return '<x>'", language="python")
        put_widget(
            "<details open><summary>{{title}}</summary>"
            "{{#contents}}{{& pywebio_output_parse}}{{/contents}}</details>",
            {
                "title": "More",
                "contents": ["<b>t</b>", put_table([[span("A", col=2)], ["1", "2"]])],
            },
        )
        with put_info(closable=True):
            put_text("inside the message")
        put_processbar("my bar")
        for i in range(1, 10_001):
            set_processbar("my bar", i / 10_000)
        done.set()

    server = serve(app)
    requests = _record(page)
    page.goto(server.url)
    root = page.locator("#pywebio-nb-root")
    root.locator(".token.keyword", has_text="def").wait_for(timeout=10_000)
    assert root.locator("details summary").inner_text(timeout=10_000) == "More"
    assert root.locator("details th").get_attribute("colspan") == "2"
    assert root.locator("details").get_by_text("<b>t</b>").count() == 1
    assert root.locator(".pywebio-message", has_text="inside the message").count() == 1
    bar = root.locator(".pywebio-processbar .progress-bar")
    page.wait_for_function(
        "() => document.querySelector('#pywebio-nb-root').shadowRoot"
        ".querySelector('.progress-bar').textContent === '100%'",
        timeout=10_000,
    )
    assert bar.inner_text() == "100%"
    assert done.is_set()
    chunks = [r.url for r in requests if "/chunks/" in r.url]
    assert any("prism" in u for u in chunks), chunks
    assert any("mustache" in u for u in chunks), chunks
    assert page.page_errors == []
