"""Input forms: the items input functions build and the request that runs a form.

An input function called with ``name=`` returns an :class:`InputItem` for
``input_group()`` (an item dropped without ever reaching ``input_group`` logs
an error saying so, like an unsent output); called without, it wraps its
single item in a
:class:`FormRequest` and asks the current session to run it. The request is a
small state machine fed with the browser's events: it validates on blur,
converts and validates on submit (answering with ``update_input``), and ends
with ``destroy_form`` on success, cancel, or when the wait is abandoned
(interrupt, session closed).
"""

from __future__ import annotations

import contextvars
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from ._options import pick_options
from .protocol import Event, InputGroupSpec, InputItemSpec, UpdateInputAttributes, make_command

if TYPE_CHECKING:
    from .session._base import Session

__all__ = ["MESSAGES", "FormRequest", "InputItem", "InvalidValue", "current_form"]

logger = logging.getLogger("pywebio_nb.input")

#: The form whose onchange callback is running (for ``input_update``).
current_form: contextvars.ContextVar[tuple[FormRequest, str] | None] = contextvars.ContextVar(
    "pywebio_nb_current_form", default=None
)


class InvalidValue(ValueError):
    """A submitted value cannot be converted; the message is shown to the user.

    ``key`` names the message in the renderer's table of strings, which shows
    it in the browser's language (the English ``message`` is the fallback).
    """

    def __init__(self, message: str, key: str | None = None, *args: Any) -> None:
        super().__init__(message)
        self.key = key
        #: Values for the ``{0}``, ``{1}`` of the message (e.g. a length limit).
        self.args_ = list(args)


#: The default validation messages (English; the renderer translates them by key).
MESSAGES: dict[str, str] = {
    "required": "Please fill in this field.",
    "integer": "Please enter an integer.",
    "number": "Please enter a number.",
    "option": "Please choose one of the options.",
    "minlength": "Please use at least {0} characters.",
    "maxlength": "Please use at most {0} characters.",
    "invalid": "Please enter a valid value.",
}


@dataclass(eq=False)
class InputItem:
    """One item of a form, as built by an input function."""

    spec: InputItemSpec
    validate: Callable[[Any], str | None] | None = None
    convert: Callable[[Any], Any] | None = None
    onchange: Callable[[Any], Any] | None = None
    required: bool = False
    #: select/checkbox/radio/actions: the real value of each option, by the index
    #: the browser sends (``input_update(options=...)`` replaces them).
    choices: list[Any] | None = field(default=None, repr=False)
    #: With ``choices``: the browser sends a list of indexes (checkbox, select multiple).
    multiple: bool = False
    form: FormRequest | None = field(default=None, repr=False)
    #: Set by ``input_group()`` when it receives the item.
    claimed: bool = field(default=False, repr=False)

    @property
    def name(self) -> str:
        return self.spec.get("name", "")

    def value_of(self, raw: Any) -> Any:
        """Convert a raw browser value; raises InvalidValue with a user message."""
        if self.choices is not None:
            try:
                value = pick_options(raw, self.choices, multiple=self.multiple)
            except LookupError:
                raise InvalidValue(MESSAGES["option"], "option") from None
        else:
            value = self.convert(raw) if self.convert is not None else raw
        if self.required and (value is None or value == "" or value == []):
            raise InvalidValue(MESSAGES["required"], "required")
        spec: dict[str, Any] = self.spec  # type: ignore[assignment]  # read generically
        if isinstance(value, str) and value and ("minlength" in spec or "maxlength" in spec):
            # The browser only checks these while typing (the form is novalidate):
            # a value set by a script or another client must not pass unchecked.
            # Lengths count UTF-16 code units, as the HTML attributes do.
            length = len(value.encode("utf-16-le")) // 2
            for key, too_far in (("minlength", length.__lt__), ("maxlength", length.__gt__)):
                limit = spec.get(key)
                if isinstance(limit, int) and too_far(limit):
                    raise InvalidValue(MESSAGES[key].format(limit), key, limit)
        return value

    def __del__(self) -> None:
        # The rule Output uses for a dropped output: cheap, and never raises. A
        # named item that no form ever took is a call meant for input_group().
        if self.claimed or self.form is not None or not self.name:
            return  # used, or never named (a refused single input)
        try:
            logger.error(
                "the %s input item %r was made with name= but never passed to "
                "input_group(): name= is only for items of input_group([...]); call the "
                "input function without name= to ask for a single value",
                self.spec.get("type"),
                self.name,
            )
        except Exception:  # logging must not raise out of __del__ (interpreter exit)
            pass

    def check(self, raw: Any) -> tuple[Any, str | None, InvalidValue | None]:
        """(converted value, error message or None, the conversion error or None)."""
        try:
            value = self.value_of(raw)
        except InvalidValue as exc:
            return None, str(exc), exc
        if self.validate is not None:
            error = self.validate(value)
            if error:
                return value, str(error), None
        return value, None, None

    def invalid(self, form: FormRequest, message: str, error: InvalidValue | None) -> None:
        """Show ``message`` under the item (translated by the renderer when it has a key)."""
        if error is None or error.key is None:
            form.update(self.name, valid_status=False, invalid_feedback=message)
        elif error.args_:
            form.update(
                self.name,
                valid_status=False,
                invalid_feedback=message,
                invalid_feedback_key=error.key,
                invalid_feedback_args=error.args_,
            )
        else:
            form.update(
                self.name,
                valid_status=False,
                invalid_feedback=message,
                invalid_feedback_key=error.key,
            )


#: Item types that take the focus when no item of a form asks for it (as PyWebIO).
_FOCUSABLE = frozenset(
    {"text", "number", "password", "select", "url", "float", "date", "time", "datetime-local"}
)


def _default_focus(inputs: list[InputItemSpec]) -> None:
    """Give ``auto_focus`` to the first text-like item when no item set it.

    The page then focuses that item when the form appears, unless the session
    turned it off with ``set_env(input_auto_focus=False)``.
    """
    if any("auto_focus" in spec for spec in inputs):
        return
    for spec in inputs:
        if spec.get("type", "text") in _FOCUSABLE:
            spec["auto_focus"] = True
            return


class FormRequest:
    """A form shown for one task: send it, feed it events, read ``result``."""

    def __init__(
        self,
        session: Session,
        items: list[InputItem],
        *,
        label: str = "",
        validate: Callable[[dict[str, Any]], Any] | None = None,
        cancelable: bool = False,
        single: bool = False,
    ) -> None:
        self.session = session
        self.items = {item.name: item for item in items}
        self.order = [item.name for item in items]
        self.group_validate = validate
        self.single = single
        self.task_id = session.new_task_id("form")
        self.root_id = session.default_root()
        self.result: Any = None
        self._finished = False
        inputs: list[InputItemSpec] = []
        for item in items:
            item.form = self
            spec = item.spec.copy()
            if item.validate is not None or item.convert is not None or item.required:
                spec["onblur"] = True
            if item.onchange is not None:
                spec["onchange"] = True
            inputs.append(spec)
        _default_focus(inputs)
        self.spec: InputGroupSpec = {"label": label, "inputs": inputs, "cancelable": cancelable}

    # ------------------------------------------------------------------ life
    def start(self) -> None:
        self.session.send(make_command("input_group", self.spec, self.task_id), self.root_id)

    def finish(self, *, flush: bool = True) -> None:
        """Remove the form unless it is already gone (also on interrupt/errors).

        After an answer, ``destroy_form`` joins the next batch (the app's next
        output or form); when the wait is abandoned it is flushed at once.
        """
        if self._finished:
            return
        self._finished = True
        if not self.session.closed:
            self.session.send(make_command("destroy_form", None, self.task_id), self.root_id)
            if flush:
                self.session.flush()

    def update(self, name: str, **attributes: Any) -> None:
        """Send ``update_input`` for item ``name``."""
        attrs = cast(UpdateInputAttributes, attributes)  # further item fields may appear
        command = make_command(
            "update_input", {"target_name": name, "attributes": attrs}, self.task_id
        )
        self.session.send(command, self.root_id)

    # ---------------------------------------------------------------- events
    def feed(self, event: Event) -> bool:
        """Handle one event; True when the form is done (``result`` is set)."""
        name = event["event"]
        data: Any = event["data"]
        if name == "from_cancel":
            self.result = None
            self.finish(flush=False)
            return True
        if name == "from_submit":
            return self._submit(data)
        if name == "input_event":
            self._input_event(data)
        else:
            logger.info("form %s ignored a %s event", self.task_id, name)
        return False

    def _input_event(self, data: dict[str, Any]) -> None:
        item = self.items.get(data.get("name", ""))
        if item is None:
            logger.info("form %s: event for unknown item %r ignored", self.task_id, data)
            return
        if data.get("event_name") == "blur":
            value, error, problem = item.check(data.get("value"))
            if error is not None:
                item.invalid(self, error, problem)
            else:
                self.update(item.name, valid_status=0)
        elif data.get("event_name") == "change" and item.onchange is not None:
            try:
                value = item.value_of(data.get("value"))
            except ValueError:
                return
            token = current_form.set((self, item.name))
            try:
                item.onchange(value)
            except Exception:
                self.session.report_error(traceback.format_exc())
            finally:
                current_form.reset(token)

    def _submit(self, data: dict[str, Any]) -> bool:
        values: dict[str, Any] = {}
        errors: dict[str, tuple[str, InvalidValue | None]] = {}
        for name in self.order:
            value, error, problem = self.items[name].check(data.get(name))
            values[name] = value
            if error is not None:
                errors[name] = (error, problem)
        if not errors and self.group_validate is not None:
            verdict = self.group_validate(values)
            if verdict:
                target, message = verdict
                errors[str(target)] = (str(message), None)
        if errors:
            for name, (message, problem) in errors.items():
                item = self.items.get(name)
                if item is None:
                    self.update(name, valid_status=False, invalid_feedback=message)
                else:
                    item.invalid(self, message, problem)
            self.session.flush()
            return False
        self.result = values[self.order[0]] if self.single else values
        self.finish(flush=False)
        return True
