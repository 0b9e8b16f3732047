"""pywebio_nb's Jupyter Server extension: apps and notebooks served inside Jupyter.

Enabled by ``jupyter-config/jupyter_server_config.d/pywebio_nb.json`` (installed
with the package as ``etc/jupyter/jupyter_server_config.d/pywebio_nb.json``),
it adds to the running Jupyter Server, behind Jupyter's own authentication:

- ``<base_url>pywebio/apps/<path>``: the app at ``<path>`` relative to the
  server's root directory, page and WebSocket at that one URL as with
  ``start_server``: a ``.py`` file with a ``main()`` function, or a notebook
  (``.ipynb``) whose code cells run top to bottom as one app per visitor
  session (cells tagged ``skip-app`` left out). JupyterLab's "Open as PyWebIO
  app" opens these URLs in a new tab;
- ``<base_url>pywebio/apps/`` (and ``<dir>/`` below it): an index of those apps
  and notebooks, with their titles, and the sub-directories;
- ``<base_url>pywebio/static/``: the frontend files of those pages;
- ``<base_url>pywebio/api/status``: JSON saying the extension is active and
  whether the kernel WebSocket runs with TCP_NODELAY;
- TCP_NODELAY on jupyter_server's kernel WebSocket, so the small frames of a
  click's answer are not held back by Nagle's algorithm (~25-30 ms per round
  trip in JupyterLab, ``shared/notes/jupyter-latency.md``).

When Jupyter Server shuts down, the app sessions close: ``defer_call`` runs, and
each open page is told its session ended.

Run Jupyter without it: ``jupyter lab --ServerApp.jpserver_extensions=pywebio_nb=False``.

Nothing here is imported by ``import pywebio_nb``; Jupyter Server finds the
extension through ``pywebio_nb._jupyter_server_extension_points``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["_load_jupyter_server_extension"]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Called by Jupyter Server at startup: add the handlers, enable TCP_NODELAY."""
    from ._extension import load

    load(serverapp)
