"""Ctrl-C on a script's blocking ``start_server`` of the WSGI adapters' own server.

Django's ``start_server`` serves from a ``wsgiref`` thread and waits in the
foreground. On CPython 3.11 a Ctrl-C that interrupts a thread's ``join()``
marks that thread stopped while it still serves; a handle trusting
``is_alive()`` then skipped the shutdown (sessions never closed, no
``defer_call``). The handle tracks the end of its thread itself.
"""

from __future__ import annotations

import pathlib
import signal

import _http_adapters as scenarios
import pytest
from _script_server import ScriptProcess

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        __import__("importlib.util").util.find_spec("django") is None, reason="needs django"
    ),
]

REPO = pathlib.Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0  # importing Django and the package on a busy 2-core machine

SCRIPT = """\
import sys

from pywebio_nb.input import input
from pywebio_nb.platform.django import start_server
from pywebio_nb.session import defer_call


def app():
    defer_call(lambda: print("DEFERRED", flush=True))
    input("never answered")


start_server(app, port=int(sys.argv[1]), host="127.0.0.1")
print("RETURNED", flush=True)
"""


def test_ctrl_c_stops_the_django_server_and_closes_its_sessions(tmp_path: pathlib.Path) -> None:
    script = tmp_path / "app.py"
    script.write_text(SCRIPT)
    port = scenarios.free_port()
    with ScriptProcess(script, str(port)) as server:
        server.serving_url()
        client = scenarios.UrlClient(f"http://127.0.0.1:{port}/")
        try:
            client.start()
            client.until("input_group")
        finally:
            client.close()
        server.send_signal(signal.SIGINT)  # Ctrl-C
        returncode, out = server.finish()
        assert returncode == 0, out
        assert out.count("DEFERRED") == 1 and "RETURNED" in out, out
