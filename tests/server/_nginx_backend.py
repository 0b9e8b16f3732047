"""One backend process of the nginx test: ``python _nginx_backend.py tornado|asgi``.

Serves the same app over WebSocket at ``/ws/`` and over HTTP polling at ``/http/``
on a free loopback port, prints ``READY <port>`` once it listens and serves until
stdin closes (the test ends it, or dies). ``tornado``: Tornado's handlers;
``asgi``: Starlette on uvicorn, WebSocket by ``platform.fastapi.webio_routes``, HTTP
polling by a small Starlette endpoint over the framework-neutral core.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from pywebio_nb.input import input
from pywebio_nb.output import put_text

LINES = 20


def app() -> None:
    """Says which process serves it, echoes one input, then outputs numbered lines."""
    put_text(f"served-by {sys.argv[1]} {os.getpid()}")
    value = input("value")
    put_text(f"echo {value}")
    for i in range(LINES):
        put_text(f"line {i}")


def tornado_server() -> Any:
    import tornado.web

    from pywebio_nb.platform import tornado_http
    from pywebio_nb.platform._server import start_in_thread
    from pywebio_nb.platform.tornado import static_route, webio_handler

    http_handler = tornado_http.webio_handler(app)
    application = tornado.web.Application(
        [(r"/ws/", webio_handler(app)), (r"/http/", http_handler), static_route()]
    )
    return start_in_thread(
        application,
        host="127.0.0.1",
        on_shutdown=http_handler.config.close_all,  # type: ignore[attr-defined]
    )


def asgi_server() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Mount, Route

    from pywebio_nb.platform._http_core import HttpCore, HttpRequest
    from pywebio_nb.platform.fastapi import _serve_app_in_thread, webio_routes

    core = HttpCore(app, static_url_prefix="/ws/_pywebio_nb/", backend="starlette")

    async def http_endpoint(request: Request) -> Response:
        answer = await core.handle(
            HttpRequest(
                method=request.method,
                headers=dict(request.headers.items()),
                query=dict(request.query_params.items()),
                body=await request.body(),
                remote_ip=request.client.host if request.client else "",
                raw=request,
            )
        )
        return Response(answer.body or None, answer.status, answer.headers)

    starlette_app = Starlette(
        routes=[
            Mount("/ws", routes=webio_routes(app)),
            Route("/http/", http_endpoint, methods=["GET", "POST"]),
        ]
    )
    return _serve_app_in_thread(starlette_app, host="127.0.0.1", port=0)


def main() -> None:
    server = tornado_server() if sys.argv[1] == "tornado" else asgi_server()
    print(f"READY {server.port}", flush=True)
    sys.stdin.read()  # until the test closes our stdin (or ends)
    server.stop()


if __name__ == "__main__":
    main()
