"""Helpers of ``pywebio.utils`` that apps use: :func:`pyinstaller_datas`."""

from __future__ import annotations

import os

__all__ = ["pyinstaller_datas"]


def pyinstaller_datas() -> list[tuple[str, str]]:
    """The data files PyInstaller must bundle for pywebio_nb (the built frontend).

    Pass it as ``datas`` in your spec file, as the manual shows::

        from pywebio_nb.utils import pyinstaller_datas
        a = Analysis(..., datas=pyinstaller_datas(), ...)

    Each entry is ``(source directory, destination in the bundle)``.
    """
    from .platform._page import STATIC_PATH

    return [(STATIC_PATH, os.path.join("pywebio_nb", "static"))]
