"""PyWebIO apps written against ``pywebio`` (not pywebio_nb), as found in the wild.

Each is source text, so a test can run it exactly as a user's file would run:
through ``pywebio_nb.compat`` in-process (``load``), in a notebook cell, or as a
file given to ``python -m pywebio_nb.compat``. The server tests and the kernel
tests drive the same apps.
"""

from __future__ import annotations

from typing import Any

#: The manual's BMI app (its "Hello, world"), imports as in the manual.
BMI = """
from pywebio.input import input, FLOAT
from pywebio.output import put_text

def bmi():
    height = input("Input your height(cm)", type=FLOAT)
    weight = input("Input your weight(kg)", type=FLOAT)

    BMI = weight / (height / 100) ** 2

    top_status = [(16, 'Severely underweight'), (18.5, 'Underweight'),
                  (25, 'Normal'), (30, 'Overweight'),
                  (35, 'Moderately obese'), (float('inf'), 'Severely obese')]

    for top, status in top_status:
        if BMI <= top:
            put_text('Your BMI: %.1f. Category: %s' % (BMI, status))
            break
"""
BMI_ANSWERS = ["170", "60"]
BMI_TEXT = "Your BMI: 20.8. Category: Normal"

#: A pin app (the manual's pin_wait_change example, shortened).
PIN = """
import pywebio.pin as pywebio_pin
from pywebio.output import put_text
from pywebio.pin import pin, put_input

def pin_app():
    put_input("a", type="number", value=1)
    put_input("b", type="number", value=2)
    changed = pywebio_pin.pin_wait_change("a", "b")
    put_text("%s changed, a + b = %s" % (changed["name"], pin.a + pin.b))
"""
PIN_CHANGE = ("a", "40")
PIN_TEXT = "a changed, a + b = 42"

#: A battery app: logbox, redirect_stdout and a confirm dialog.
BATTERY = """
from pywebio.output import put_text
from pywebio_battery import confirm, logbox_append, put_logbox, redirect_stdout

def battery_app():
    put_logbox("log")
    for i in range(3):
        logbox_append("log", "line %d\\n" % i)
    with redirect_stdout():
        print("printed", end="")
    put_text("choice: %s" % confirm("Go?", "Are you sure?"))
"""
BATTERY_LOG = "line 0\nline 1\nline 2\n"
BATTERY_TEXT = "choice: True"

#: A coroutine-based app.
COROUTINE = """
import asyncio
from pywebio.input import input
from pywebio.output import put_text
from pywebio.session import run_asyncio_coroutine

async def coro_app():
    name = await input("Your name?")
    await run_asyncio_coroutine(asyncio.sleep(0))
    put_text("Hello, %s" % name)
"""
COROUTINE_ANSWER = "Ada"
COROUTINE_TEXT = "Hello, Ada"

ALL = {"bmi": BMI, "pin_app": PIN, "battery_app": BATTERY, "coro_app": COROUTINE}


def load(name: str) -> Any:
    """The app function ``name`` of :data:`ALL`, its source run as a module would be."""
    namespace: dict[str, Any] = {"__name__": f"compat_{name}"}
    exec(compile(ALL[name], f"<{name}.py>", "exec"), namespace)
    return namespace[name]
