"""A pytest fixture that runs an interactive notebook with answers.

Enable it in a ``conftest.py`` with ``pytest_plugins = ["pywebio_nb.testing.pytest_plugin"]``
(an installed pywebio_nb also registers it through the ``pytest11`` entry point), then::

    def test_bmi(pywebio_notebook):
        run = pywebio_notebook("bmi.ipynb", ["170", "60"])
        assert "Your BMI: 20.8. Category: Normal" in run.texts
        assert run.notebook.cells[1].execution_count == 2

``pywebio_notebook(path, answers, **options)`` takes the arguments of
:func:`pywebio_nb.testing.execute_notebook` (a relative ``path`` is taken from
the test file's folder) and returns its :class:`~pywebio_nb.testing.NotebookRun`:
``run.notebook`` (the executed notebook), ``run.texts`` (the texts pywebio_nb
outputs showed), ``run.outputs_text()`` (those plus prints and results). With
``--pywebio-nb-keep`` each executed notebook is written next to the test's
temporary directory for a look afterwards.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import pytest

__all__ = ["pytest_addoption", "pywebio_notebook"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--pywebio-nb-keep",
        action="store_true",
        help="pywebio_notebook: write every executed notebook into the test's tmp_path",
    )


@pytest.fixture
def pywebio_notebook(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Callable[..., Any]:
    """Run a notebook headless with answers; returns a ``NotebookRun``."""
    from . import execute_notebook

    keep = bool(request.config.getoption("--pywebio-nb-keep", default=False))
    here = pathlib.Path(str(request.path)).parent

    def run(notebook: Any, answers: Any = None, **options: Any) -> Any:
        if isinstance(notebook, (str, pathlib.Path)):
            path = pathlib.Path(notebook)
            notebook = path if path.is_absolute() else here / path
            if keep and "output" not in options:
                options["output"] = tmp_path / f"executed-{path.name}"
        return execute_notebook(notebook, answers, **options)

    return run
