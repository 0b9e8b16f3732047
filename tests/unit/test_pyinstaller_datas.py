"""pywebio_nb.utils.pyinstaller_datas: what a PyInstaller spec bundles."""

from __future__ import annotations

import os

from pywebio_nb.utils import pyinstaller_datas


def test_it_names_the_built_frontend_and_where_it_goes_in_the_bundle() -> None:
    ((source, destination),) = pyinstaller_datas()
    assert os.path.isfile(os.path.join(source, "page.js"))
    assert os.path.isfile(os.path.join(source, "widget.js"))
    # Where pywebio_nb looks for it at run time, relative to the bundle's root.
    assert destination == os.path.join("pywebio_nb", "static")
