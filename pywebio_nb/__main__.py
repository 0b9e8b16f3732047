"""``python -m pywebio_nb``: the ``pywebio-nb`` command (see :mod:`pywebio_nb._cli`)."""

from __future__ import annotations

from ._cli import main

raise SystemExit(main())
