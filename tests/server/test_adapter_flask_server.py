"""pywebio_nb.platform.flask: the manual's coroutine integration example on a real server.

The manual's code runs unchanged except for its imports (``pywebio`` ->
``pywebio_nb``) and its last line: instead of ``app.run(...)`` the same Flask app
is served by Werkzeug's threaded server (what ``app.run`` uses) on a free loopback
port. The protocol client plays the page. What Flask shares with Django (the
4.7.2 example, ``wsgi_app``, ``start_server``) is in ``test_adapter_wsgi_server.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("flask")

import _http_adapters as scenarios

# Manual 4.7.3, coroutine-based session integration into Flask (app.run left out).
COROUTINE_EXAMPLE = """
import asyncio
import threading
from flask import Flask, send_from_directory
from pywebio_nb import STATIC_PATH
from pywebio_nb.output import *
from pywebio_nb.platform.flask import webio_view
from pywebio_nb.platform import run_event_loop
from pywebio_nb.session import run_asyncio_coroutine

async def hello_word():
    put_text('Hello ...')
    await run_asyncio_coroutine(asyncio.sleep(1)) # can't just "await asyncio.sleep(1) "
    put_text('... World!')

app = Flask(__name__)
app.add_url_rule('/hello', 'webio_view', webio_view(hello_word),
                  methods=['GET', 'POST', 'OPTIONS'])

# thread to run event loop
threading.Thread(target=run_event_loop, daemon=True).start()
"""


def test_the_coroutine_example() -> None:
    namespace: dict[str, Any] = {"__name__": "coroutine_example"}
    exec(COROUTINE_EXAMPLE, namespace)
    for base in scenarios.serve_with_werkzeug(namespace["app"]):
        client = scenarios.UrlClient(f"{base}/hello")
        try:
            client.start()
            client.until("close_session")
            assert scenarios._texts(client.commands) == ["Hello ...", "... World!"]
        finally:
            client.close()
