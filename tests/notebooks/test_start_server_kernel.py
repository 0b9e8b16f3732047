"""``start_server`` in a notebook cell: serves in the background, shows a link, returns a handle.

A real kernel runs the cells; the test fetches the page over HTTP, runs the
app over the WebSocket, re-runs the cell on the same port (the old server is
stopped first) and stops the server from a cell: the port is free again.
"""

from __future__ import annotations

import socket
import sys
import types
import urllib.request
from pathlib import Path
from typing import Any

from kernel_driver import KernelDriver

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from _wsclient import Client, run, text_of

SERVE = """
from pywebio_nb import start_server
from pywebio_nb.output import put_text

def app():
    put_text('served from the kernel')

handle = start_server(app, port={port}, host='127.0.0.1')
print('PORT', handle.port, flush=True)
"""


def run_ok(driver: KernelDriver, code: str) -> None:
    reply = driver.reply(driver.execute(code), timeout=60)
    assert reply["status"] == "ok", reply


def outputs_since(driver: KernelDriver, start: int) -> tuple[str, list[dict[str, Any]]]:
    """(stream text, display data bundles) of the outputs after index ``start``."""
    new = driver.outputs[start:]
    text = "".join(o["content"]["text"] for o in new if o["msg_type"] == "stream")
    shown = [o["content"]["data"] for o in new if o["msg_type"] == "display_data"]
    return text, shown


def port_of(driver: KernelDriver, start: int) -> int:
    driver.pump_until(lambda: "PORT" in outputs_since(driver, start)[0], timeout=30)
    text = outputs_since(driver, start)[0]
    return int(text.split("PORT", 1)[1].split()[0])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def serve_and_check(port: int) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
        assert response.status == 200
        assert "<html" in response.read().decode().lower()

    async def body() -> None:
        client = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
        assert text_of(await client.until("output")) == "served from the kernel"
        await client.closed()

    run(body())


def test_start_server_in_a_cell_returns_a_handle(driver: KernelDriver) -> None:
    start = len(driver.outputs)
    run_ok(driver, SERVE.format(port=0))  # the cell ends: the kernel is not blocked
    port = port_of(driver, start)
    _, shown = outputs_since(driver, start)
    link = f"http://127.0.0.1:{port}/"
    assert any(f'href="{link}"' in bundle.get("text/html", "") for bundle in shown), shown
    assert any(f"Serving on {link}" in bundle.get("text/plain", "") for bundle in shown), shown
    serve_and_check(port)

    # The same cell again on the same port: the previous server is stopped first.
    start = len(driver.outputs)
    run_ok(driver, "first = handle\n" + SERVE.format(port=port))
    assert port_of(driver, start) == port
    assert f"Stopping the previous server on port {port}" in outputs_since(driver, start)[0]
    serve_and_check(port)

    start = len(driver.outputs)
    run_ok(driver, "handle.stop()\nprint('STOPPED', first.running, handle.running, flush=True)")
    driver.pump_until(lambda: "STOPPED" in outputs_since(driver, start)[0], timeout=30)
    assert "STOPPED False False" in outputs_since(driver, start)[0]
    assert port_is_free(port)
