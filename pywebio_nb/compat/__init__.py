"""Run PyWebIO apps unchanged: ``import pywebio`` gives pywebio_nb.

Opt in, in one of two ways:

* at the top of a script, or in a notebook cell before the app's imports::

      import pywebio_nb.compat
      pywebio_nb.compat.install()

      from pywebio.input import input, FLOAT   # now pywebio_nb.input
      from pywebio.output import put_text

* or run an unmodified app file: ``python -m pywebio_nb.compat app.py [args]``
  (``-m package.module`` works too).

``pywebio``, ``pywebio.input``, ``.output``, ``.session``, ``.pin``,
``.platform`` (``.tornado``, ``.tornado_http``, ``.path_deploy`` and the web
framework adapters pywebio_nb has), ``.exceptions``, ``.utils``, ``.io_ctrl``
and ``pywebio_battery`` are the pywebio_nb modules themselves (a meta path
finder maps the names; nothing is copied). When the real ``pywebio`` or
``pywebio_battery`` is installed, :func:`install` refuses with
:class:`RealPyWebIOInstalled` instead of shadowing it.
"""

from __future__ import annotations

from ._finder import ALIASES, RealPyWebIOInstalled, install, installed, uninstall

__all__ = ["ALIASES", "RealPyWebIOInstalled", "install", "installed", "uninstall"]
