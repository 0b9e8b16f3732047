/**
 * Pin widgets: the `pin` output type (an input item outside any form) and the
 * `pin_value`, `pin_update`, `pin_wait`, `pin_onchange` commands.
 *
 * Every change the user makes is reported as a `pin_change` event (an extension):
 * the Python session keeps each pin's value, wakes `pin_wait_change` and runs the
 * `pin_on_change` callbacks itself. The PyWebIO commands `pin_wait` and `pin_onchange`
 * still work for clients that use them. A value set by a command (`pin_update`) is
 * never reported: views only listen to the user's input events.
 *
 * A pin widget output under a name this root already shows makes the older one expire,
 * as in PyWebIO: its element is replaced by a short notice.
 */
import type {
  ActionButtonSpec,
  InputItemOf,
  InputItemSpec,
  OutputOf,
  PinOnChangeSpec,
  PinUpdateSpec,
  PinValueSpec,
  PinWaitSpec,
} from "../protocol.gen";
import type { RenderContext } from "./context";
import { buttonClass, h, isRecord, setShownText, str } from "./dom";
import { createItemView, type ItemHooks, type ItemView } from "./inputs";

interface Waiter {
  taskId: string | null;
  names: string[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The text an expired pin widget leaves in its place (PyWebIO's wording). */
export const EXPIRED_NOTICE = "This pin widget has expired (a new pin widget with the same name was output).";

/** `put_actions`: a row of buttons; a click sets the value to that button's value. */
class ActionsView implements ItemView {
  readonly name: string;
  readonly type = "actions";
  readonly element: HTMLElement;
  private value: unknown = null;
  private readonly label = h("label", { class: "form-label" });
  private readonly help = h("small", { class: "form-text" });
  private readonly row = h("div", { class: "pywebio-form__buttons" });

  constructor(
    spec: InputItemOf<"actions">,
    private readonly hooks: ItemHooks,
  ) {
    this.name = str(spec.name);
    this.element = h("div", { class: "pywebio-form-item", "data-name": this.name, "data-type": "actions" });
    this.element.append(this.label, this.row, this.help);
    this.update({ label: spec.label, help_text: spec.help_text, buttons: spec.buttons ?? [] });
    if (spec.value !== undefined) this.value = spec.value;
  }

  private button(spec: ActionButtonSpec): HTMLButtonElement {
    const label = str(spec.label, str(spec.value));
    const button = h(
      "button",
      { type: "button", class: buttonClass(str(spec.color, "primary"), {}), disabled: spec.disabled === true },
      label,
    );
    button.addEventListener("click", () => {
      this.value = spec.value ?? null;
      this.hooks.inputEvent("change", this.name, this.value);
    });
    return button;
  }

  getValue(): unknown {
    return this.value;
  }

  setValue(value: unknown): void {
    this.value = value ?? null;
  }

  update(attributes: Record<string, unknown>): void {
    if ("label" in attributes) setShownText(this.label, attributes["label"]);
    if ("help_text" in attributes) setShownText(this.help, attributes["help_text"]);
    if (Array.isArray(attributes["buttons"])) {
      const buttons = attributes["buttons"].filter(isRecord);
      this.row.replaceChildren(
        ...buttons.map((spec) => this.button({ ...spec, label: str(spec["label"], str(spec["value"])) })),
      );
    }
    if ("value" in attributes) this.setValue(attributes["value"]);
    if ("disabled" in attributes) {
      for (const button of Array.from(this.row.querySelectorAll("button"))) button.disabled = !!attributes["disabled"];
    }
  }

  focus(): void {
    this.row.querySelector("button")?.focus();
  }
}

export class Pins {
  private readonly views = new Map<string, ItemView[]>();
  private readonly callbacks = new Map<string, string[]>();
  private waiters: Waiter[] = [];
  /** Set while a `pin_update` applies: a code editor reports a set value as an input event. */
  private updating = false;

  constructor(private readonly ctx: RenderContext) {}

  /** The `pin` output type. */
  readonly render = (spec: OutputOf<"pin">): HTMLElement => {
    // A pin without its input item draws an empty text input, as an item without `type` does.
    const input: InputItemSpec = isRecord(spec.input) ? spec.input : { type: "text" };
    // A snapshot (reload, second view) redraws a widget a newer one replaced as expired.
    if (isRecord(spec.input) && spec.input["expired"] === true) return this.expiredNotice();
    const name = str(input.name);
    const hooks: ItemHooks = {
      inputEvent: (_event, _name, value) => this.changed(name, value),
      callback: (callbackId) => this.ctx.send({ event: "callback", task_id: callbackId, data: null }),
      blob: (ref) => this.ctx.blobs.get(ref),
    };
    // Pins report every change (never blur), not as input_event.
    const view =
      input.type === "actions"
        ? new ActionsView(input, hooks)
        : createItemView({ ...input, onchange: true, onblur: false }, hooks);
    view.element.classList.add("pywebio-pin");
    for (const old of this.live(name)) this.expire(old);
    this.views.set(name, [view]);
    return h("div", { class: "pywebio-pin-widget", "data-pin-name": name }, view.element);
  };

  /** The view of `name` if it is in the root (a removed scope takes its pins with it). */
  private live(name: string): ItemView[] {
    const views = (this.views.get(name) ?? []).filter((view) => this.ctx.root.contains(view.element));
    this.views.set(name, views);
    return views;
  }

  private changed(name: string, value: unknown): void {
    if (this.updating) return; // a value set by pin_update is not the user's change
    this.ctx.send({ event: "pin_change", task_id: null, data: { name, value } });
    for (const callbackId of this.callbacks.get(name) ?? []) {
      this.ctx.send({ event: "callback", task_id: callbackId, data: value });
    }
    const ready = this.waiters.filter((waiter) => waiter.names.includes(name));
    this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) {
      clearTimeout(waiter.timer);
      this.ctx.send({ event: "js_yield", task_id: waiter.taskId, data: { name, value } });
    }
  }

  value(taskId: string | null, spec: PinValueSpec): void {
    const view = this.live(str(spec.name))[0];
    this.ctx.send({ event: "js_yield", task_id: taskId, data: view ? view.getValue() : null });
  }

  update(spec: PinUpdateSpec): void {
    const attributes = isRecord(spec.attributes) ? spec.attributes : {};
    const name = str(spec.name);
    if (attributes["expired"] === true) {
      // A newer widget of this name was output (maybe in another root): this one expires.
      for (const old of this.live(name)) this.expire(old);
      this.views.delete(name);
      return;
    }
    this.updating = true;
    try {
      for (const view of this.live(name)) view.update(attributes);
    } finally {
      this.updating = false;
    }
  }

  private expire(view: ItemView): void {
    view.element.replaceWith(this.expiredNotice());
  }

  private expiredNotice(): HTMLElement {
    return h("p", { class: "pywebio-pin-expired form-text" }, EXPIRED_NOTICE);
  }

  wait(taskId: string | null, spec: PinWaitSpec): void {
    const waiter: Waiter = { taskId, names: (spec.names ?? []).map((n) => str(n)), timer: undefined };
    if (typeof spec.timeout === "number" && spec.timeout > 0) {
      waiter.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        this.ctx.send({ event: "js_yield", task_id: taskId, data: null });
      }, spec.timeout * 1000);
    }
    this.waiters.push(waiter);
  }

  onChange(spec: PinOnChangeSpec): void {
    const name = str(spec.name);
    const current = spec.clear ? [] : (this.callbacks.get(name) ?? []);
    this.callbacks.set(name, spec.callback_id ? [...current, spec.callback_id] : current);
  }
}
