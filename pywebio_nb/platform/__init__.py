"""Deploy applications (``pywebio.platform`` of the PyWebIO manual).

``start_server`` runs apps as a multi-user web service on Tornado (WebSocket);
``webio_handler`` embeds them in your own Tornado application (add
``static_route()`` for the frontend files). ``path_deploy`` serves every app
file of a directory at its path. ``config`` sets an app's page:
title, description, theme, injected JS and CSS.
"""

from __future__ import annotations

from ._config import config
from ._event_loop import run_event_loop
from .path_deploy import path_deploy, path_deploy_http
from .tornado import start_server, static_route, webio_handler

__all__ = [
    "config",
    "path_deploy",
    "path_deploy_http",
    "run_event_loop",
    "start_server",
    "static_route",
    "webio_handler",
]
