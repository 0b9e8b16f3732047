"""Test interactive notebooks headless: answer ``input()`` and friends, click buttons.

:func:`run_notebook` executes a notebook with nbclient while a scripted
frontend plays the user: it renders nothing, but it receives every cell root's
commands, answers each question (``input``, ``input_group``, ``select``,
``checkbox``, ``radio``, ``actions``, ``file_upload``, ``eval_js``, pin reads)
from your answers and performs your steps (:func:`click` a button by its label,
:func:`set_pin` a pin widget), as soon as the page shows what they need::

    from pywebio_nb.testing import click, run_notebook

    nb = run_notebook("bmi.ipynb", ["170", "60"])
    nb = run_notebook("form.ipynb", {"Your name": "Ada", "Age": 36})
    nb = run_notebook("app.ipynb", ["Ada", click("Show details"), "yes"], output="out.ipynb")

:func:`execute_notebook` also returns what the notebook showed (texts and
commands). The same from a shell: ``pywebio-nb execute nb.ipynb --answers
answers.json -o out.ipynb``; in pytest: the ``pywebio_notebook`` fixture of
:mod:`pywebio_nb.testing.pytest_plugin`.

Needs the ``testing`` extra (``pip install pywebio_nb[testing]``: nbclient,
nbformat).
"""

from __future__ import annotations

from ..exceptions import NoFrontendError
from ._answers import NO_ANSWER, Click, Field, Request, SetPin, Upload, click, set_pin
from ._frontend import NotebookTestError
from ._runner import NotebookRun, execute_notebook, run_notebook

__all__ = [
    "NO_ANSWER",
    "Click",
    "Field",
    "NoFrontendError",
    "NotebookRun",
    "NotebookTestError",
    "Request",
    "SetPin",
    "Upload",
    "click",
    "execute_notebook",
    "run_notebook",
    "set_pin",
]
