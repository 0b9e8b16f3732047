"""The manual's input examples (its ``pywebio.input`` chapter and the user guide's
Input section) as data: the call, what a browser answers, what the call returns.

One table for every runtime: the in-memory session (tests/unit), a real server with
thread and coroutine apps (tests/server) and a kernel (tests/notebooks) drive the
same examples through :func:`drive`, which only needs a way to send an event and to
wait for the next command of a name. Answers are what the renderer sends: raw strings
for text inputs, option/button *indexes* for select, checkbox, radio and actions.

Each example's ``source`` is the Python code of the call, evaluated with
``from pywebio_nb.input import *`` (and a few helpers) in scope, so the kernel can
run the very same text in a cell.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

#: Helpers the examples' sources use (defined in the app's namespace first).
PRELUDE = """
import datetime
from pywebio_nb.input import *

def check_age(p):
    if p < 10:
        return 'Too young!!'
    if p > 60:
        return 'Too old!!'

def check_form(data):
    if len(data['name']) > 6:
        return ('name', 'Name too long!')
    if data['age'] <= 0:
        return ('age', 'Age cannot be negative!')

def set_now_ts(set_value):
    set_value(1700000000)

def select_date(set_value):
    set_value(datetime.date(2020, 1, 2), 'Yesterday')

country2city = {
    'China': ['Beijing', 'Shanghai', 'Hong Kong'],
    'USA': ['New York', 'Los Angeles', 'San Francisco'],
}
countries = list(country2city.keys())
"""


@dataclass
class Step:
    """One thing the browser does, and what the app must answer to it (if anything).

    kind: ``submit`` (data), ``change`` (name, value: an ``input_event``), ``action``
    (click the action button of item ``name``), ``cancel``. ``expect`` are attributes
    the following ``update_input`` for item ``target`` must contain (its
    ``invalid_feedback`` for a refused submit).
    """

    kind: str
    data: Any = None
    name: str = ""
    expect: dict[str, Any] | None = None
    target: str = ""


@dataclass
class Example:
    id: str
    source: str
    steps: list[Step]
    result: Any
    #: Checked on the form the app shows: {item name: {field: value}}.
    spec: dict[str, dict[str, Any]] = field(default_factory=dict)


def submit(data: Any, expect_error: str | None = None, target: str = "data") -> Step:
    expect = None if expect_error is None else {"invalid_feedback": expect_error}
    return Step("submit", data=data, expect=expect, target=target)


EXAMPLES: list[Example] = [
    # ------------------------------------------------------------- user guide
    Example(
        "bmi-height",
        'input("Input your height(cm)", type=FLOAT)',
        [submit("170.5")],
        170.5,
    ),
    Example("age-number", 'input("How old are you?", type=NUMBER)', [submit("30")], 30),
    Example("password", 'input("Input password", type=PASSWORD)', [submit("s3cret")], "s3cret"),
    Example(
        "select-gift",
        "select('Which gift you want?', ['keyboard', 'ipad'])",
        [submit(1)],
        "ipad",
    ),
    Example(
        "checkbox-agree",
        "checkbox('User Term', options=['I agree to terms and conditions'])",
        [submit([0])],
        ["I agree to terms and conditions"],
    ),
    Example(
        "radio-choose",
        "radio('Choose one', options=['A', 'B', 'C', 'D'])",
        [submit(2)],
        "C",
    ),
    Example(
        "textarea-rows",
        "textarea('Text Area', rows=3, placeholder='Some text')",
        [submit("some\ntext")],
        "some\ntext",
        spec={"data": {"rows": 3, "placeholder": "Some text"}},
    ),
    Example(
        "input-parameters",
        "input('This is label', type=TEXT, placeholder='This is placeholder', "
        "help_text='This is help text', required=True)",
        [submit("", "Please fill in this field."), submit("filled")],
        "filled",
        spec={"data": {"help_text": "This is help text", "required": True}},
    ),
    Example(
        "validate-age",
        'input("How old are you?", type=NUMBER, validate=check_age)',
        [submit("9", "Too young!!"), submit("70", "Too old!!"), submit("30")],
        30,
    ),
    Example(
        "code-textarea",
        "textarea('Code Edit', code={'mode': 'python', 'theme': 'darcula'}, "
        "value='import something\\n# Write your python code')",
        [submit("import something\nprint(1)")],
        "import something\nprint(1)",
        spec={"data": {"code": {"mode": "python", "theme": "darcula"}}},
    ),
    Example(
        "group-basic-info",
        "input_group('Basic info', [input('Input your name', name='name'), "
        "input('Input your age', name='age', type=NUMBER, validate=check_age)])",
        [
            submit({"name": "Ann", "age": "5"}, "Too young!!", "age"),
            submit({"name": "Ann", "age": "33"}),
        ],
        {"name": "Ann", "age": 33},
    ),
    # ---------------------------------------------------------- the chapter
    Example("whats-your-name", 'input("What\'s your name")', [submit("Ann")], "Ann"),
    Example(
        "textarea-code-python",
        "textarea('Text area', code={'mode': 'python', 'theme': 'darcula'})",
        [submit("x = 1")],
        "x = 1",
    ),
    Example(
        "group-validate",
        "input_group('Basic info', [input('Input your name', name='name'), "
        "input('Repeat your age', name='age', type=NUMBER)], validate=check_form)",
        [
            submit({"name": "Bartholomew", "age": "3"}, "Name too long!", "name"),
            submit({"name": "Bart", "age": "0"}, "Age cannot be negative!", "age"),
            submit({"name": "Bart", "age": "3"}),
        ],
        {"name": "Bart", "age": 3},
    ),
    Example(
        "actions-confirm",
        "actions('Confirm to delete file?', ['confirm', 'cancel'], "
        "help_text='Unrecoverable after file deletion')",
        [submit(0)],
        "confirm",
    ),
    Example(
        "actions-add-user",
        "input_group('Add user', ["
        "input('username', type=TEXT, name='username', required=True), "
        "input('password', type=PASSWORD, name='password', required=True), "
        "actions('actions', ["
        "{'label': 'Save', 'value': 'save'}, "
        "{'label': 'Save and add next', 'value': 'save_and_continue'}, "
        "{'label': 'Reset', 'type': 'reset', 'color': 'warning'}, "
        "{'label': 'Cancel', 'type': 'cancel', 'color': 'danger'}, "
        "], name='action', help_text='actions')])",
        [
            submit(
                {"username": "", "password": "pw", "action": 1},
                "Please fill in this field.",
                "username",
            ),
            submit({"username": "ann", "password": "pw", "action": 1}),
        ],
        {"username": "ann", "password": "pw", "action": "save_and_continue"},
    ),
    Example(
        "actions-add-user-cancel",
        "input_group('Add user', [input('username', name='username', required=True), "
        "actions('actions', [{'label': 'Save', 'value': 'save'}, "
        "{'label': 'Cancel', 'type': 'cancel', 'color': 'danger'}], name='action')])",
        [Step("cancel")],
        None,
    ),
    Example("press-to-continue", "actions(buttons=['Go'])", [submit(0)], "Go"),
    Example("slider", "slider('Volume', value=30, step=5)", [submit(45)], 45),
    Example(
        "slider-float", "slider('Ratio', value=0.5, max_value=1.0, step=0.1)", [submit(0.7)], 0.7
    ),
    Example(
        "action-now",
        "input('Timestamp', type=NUMBER, action=('Now', set_now_ts))",
        [
            Step("action", name="data", expect={"value": 1700000000}, target="data"),
            submit("1700000000"),
        ],
        1700000000,
    ),
    Example(
        "action-set-value-label",
        "input('Date', action=('Select', select_date), readonly=True)",
        [
            Step(
                "action",
                name="data",
                expect={"value": "Yesterday", "readonly": True},
                target="data",
            ),
            submit("Yesterday"),
        ],
        __import__("datetime").date(2020, 1, 2),
    ),
    Example(
        "dependent-selects",
        "input_group('Select a location', ["
        "select('Country', options=countries, name='country', "
        "onchange=lambda c: input_update('city', options=country2city[c])), "
        "select('City', options=country2city[countries[0]], name='city')])",
        [
            Step(
                "change",
                name="country",
                data=1,
                target="city",
                expect={
                    "options": [
                        {"label": "New York", "value": 0},
                        {"label": "Los Angeles", "value": 1},
                        {"label": "San Francisco", "value": 2},
                    ]
                },
            ),
            submit({"country": 1, "city": 2}),
        ],
        {"country": "USA", "city": "San Francisco"},
    ),
    Example(
        "group-cancelable",
        "input_group('g', [input('a', name='a')], cancelable=True)",
        [Step("cancel")],
        None,
        spec={},
    ),
    Example(
        "url", "input('Site', type=URL)", [submit("https://example.org")], "https://example.org"
    ),
    Example("date", "input('Day', type=DATE)", [submit("2024-02-29")], "2024-02-29"),
    Example("time", "input('At', type=TIME)", [submit("13:45")], "13:45"),
    Example("color", "input('Colour', type=COLOR)", [submit("#ff8800")], "#ff8800"),
    Example(
        "datetime-local",
        "input('When', type=DATETIME_LOCAL)",
        [submit("2024-02-29T13:45")],
        "2024-02-29T13:45",
    ),
    Example(
        "datalist",
        "input('Fruit', datalist=['apple', 'pear'], maxlength=10)",
        [submit("pear")],
        "pear",
        spec={"data": {"datalist": ["apple", "pear"], "maxlength": 10}},
    ),
    Example(
        "select-multiple",
        "select('Tags', [('One', 1), ('Two', 2, True), ('Three', 3, False, True)], multiple=True)",
        [submit([0, 1])],
        [1, 2],
    ),
    Example(
        "radio-nothing",
        "input_group('g', [radio('r', ['x', 'y'], name='r', inline=True)])",
        [submit({"r": None})],
        {"r": None},
    ),
]


def sync_app(example: Example, out: Callable[[str], Any]) -> Callable[[], None]:
    """A thread app running the example and showing ``repr`` of its result with ``out``."""

    def app() -> None:
        scope: dict[str, Any] = {}
        exec(PRELUDE, scope)
        out(repr(eval(example.source, scope)))

    return app


def async_app(example: Example, out: Callable[[str], Any]) -> Callable[[], Awaitable[None]]:
    """The same as a coroutine app (the call is awaited)."""

    async def app() -> None:
        scope: dict[str, Any] = {}
        exec(PRELUDE, scope)
        out(repr(await eval(example.source, scope)))

    return app


async def drive(
    example: Example,
    send: Callable[[str, str | None, Any], Awaitable[None]],
    wait: Callable[[str], Awaitable[dict[str, Any]]],
) -> None:
    """Answer the example's form as a browser would; assert what the app answers back.

    ``send(event, task_id, data)`` sends an event, ``wait(name)`` returns the next
    command of that name (later ones after earlier ones).
    """
    form = await wait("input_group")
    items = {item.get("name"): item for item in form["spec"]["inputs"]}
    for name, fields in example.spec.items():
        for key, value in fields.items():
            assert items[name].get(key) == value, (name, key, items[name])
    for step in example.steps:
        if step.kind == "submit":
            data = step.data if _is_group(form) else {"data": step.data}
            await send("from_submit", form["task_id"], data)
        elif step.kind == "change":
            data = {"event_name": "change", "name": step.name, "value": step.data}
            await send("input_event", form["task_id"], data)
        elif step.kind == "action":
            await send("callback", items[step.name]["action"]["callback_id"], None)
        elif step.kind == "cancel":
            await send("from_cancel", form["task_id"], None)
        if step.expect is not None:
            update = await wait("update_input")
            assert update["spec"]["target_name"] == step.target, update
            attributes = update["spec"]["attributes"]
            for key, value in step.expect.items():
                assert attributes.get(key) == value, (key, attributes)


def _is_group(form: dict[str, Any]) -> bool:
    """A form of input_group (items have their own names), not of a single input."""
    return any(item.get("name") != "data" for item in form["spec"]["inputs"])
