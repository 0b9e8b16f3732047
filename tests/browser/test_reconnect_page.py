"""Reconnect in Chromium: the page's connection is cut, it comes back, nothing is lost.

The browser reaches the server through a loopback TCP relay that the test can
cut (both sockets closed abruptly, no WebSocket close frame: what a network
loss looks like). The page must show "Reconnecting", dial again through the
relay, receive the output it missed, and still answer the pending input.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from pywebio_nb.input import input
from pywebio_nb.output import put_text
from pywebio_nb.platform.tornado import ServerHandle

_LINGER_ZERO = struct.pack("ii", 1, 0)


class Relay:
    """A TCP relay on 127.0.0.1: every connection is piped to ``target_port``."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._closed = False
        self._threads: list[threading.Thread] = []
        self._start(self._accept)

    def _start(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # the listener closed
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._pairs.append((client, upstream))
            self._start(self._pipe, client, upstream)
            self._start(self._pipe, upstream, client)

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> int:
        """Abruptly end every relayed connection (RST, no close frames); returns how many."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                # SO_LINGER 0: close sends RST, as a vanished network path does.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
        return len(pairs)

    def close(self) -> None:
        self.listener.close()
        self.cut()
        for thread in self._threads:
            thread.join(5)


@pytest.fixture
def relay_to() -> Iterator[Any]:
    relays: list[Relay] = []

    def make(server: ServerHandle) -> Relay:
        relay = Relay(server.port)
        relays.append(relay)
        return relay

    yield make
    for relay in relays:
        relay.close()


def test_a_cut_connection_resumes_with_the_missed_output_and_the_pending_input(
    page: Any, serve: Any, relay_to: Any
) -> None:
    go_on = threading.Event()
    answers: list[str] = []

    def app() -> None:
        put_text("first")
        go_on.wait(30)  # the test cuts the connection meanwhile
        for i in range(3):
            put_text(f"while away {i}")
        answers.append(input("Your name"))
        put_text(f"hello {answers[-1]}")

    server = serve(app, reconnect_timeout=30)
    relay = relay_to(server)
    page.goto(f"http://127.0.0.1:{relay.port}/")
    page.get_by_text("first").wait_for(timeout=10_000)

    assert relay.cut() >= 1
    page.get_by_text("Reconnecting").wait_for(timeout=10_000)
    go_on.set()  # output produced while the page is away

    page.get_by_text("while away 2").wait_for(timeout=20_000)
    field = page.locator("#pywebio-nb-root input[name=data]")
    field.wait_for(timeout=10_000)
    assert page.get_by_text("Reconnecting").count() == 0
    field.fill("Ada")
    page.locator("#pywebio-nb-root button[type=submit]", has_text="Submit").click()
    page.get_by_text("hello Ada").wait_for(timeout=10_000)

    for expected in ["first", "while away 0", "while away 1", "while away 2", "hello Ada"]:
        assert page.get_by_text(expected, exact=True).count() == 1, expected
    assert answers == ["Ada"]
    assert page.page_errors == []


def test_a_session_gone_for_good_says_so(page: Any, serve: Any, relay_to: Any) -> None:
    server = serve(lambda: input("Name"), reconnect_timeout=0)
    relay = relay_to(server)
    page.goto(f"http://127.0.0.1:{relay.port}/")
    page.locator("#pywebio-nb-root input[name=data]").wait_for(timeout=10_000)
    relay.cut()
    page.get_by_text("The session has ended").wait_for(timeout=15_000)
    assert page.locator("#pywebio-nb-root button[type=submit]").is_disabled()
    assert page.get_by_role("button", name="Reload").is_visible()


def test_a_stopped_server_ends_the_session_quietly(page: Any, serve: Any) -> None:
    # A server that stops closes its sessions and tells each page so (close_session
    # before the socket closes): the page ends as when the app returns (its content
    # stays readable, its forms inert) and does not redial a server that is gone.
    server = serve(lambda: input("Name"))
    page.goto(server.url)
    page.locator("#pywebio-nb-root input[name=data]").wait_for(timeout=10_000)
    submit = page.locator("#pywebio-nb-root button[type=submit]")
    server.stop()
    page.wait_for_function(
        "() => document.querySelector('#pywebio-nb-root')"
        ".shadowRoot.querySelector('button[type=submit]').disabled",
        timeout=10_000,
    )
    assert submit.is_disabled()
    assert page.get_by_text("Reconnecting").count() == 0
