/**
 * Pin widgets: the `pin` output type (an input item outside any form) and the
 * `pin_value`, `pin_update`, `pin_wait`, `pin_onchange` commands.
 */
import type {
  InputItemSpec,
  OutputOf,
  PinOnChangeSpec,
  PinUpdateSpec,
  PinValueSpec,
  PinWaitSpec,
} from "../protocol.gen";
import type { RenderContext } from "./context";
import { h, isRecord, str } from "./dom";
import { createItemView, type ItemView } from "./inputs";

interface Waiter {
  taskId: string | null;
  names: string[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class Pins {
  private readonly views = new Map<string, ItemView[]>();
  private readonly callbacks = new Map<string, string[]>();
  private waiters: Waiter[] = [];

  constructor(private readonly ctx: RenderContext) {}

  /** The `pin` output type. */
  readonly render = (spec: OutputOf<"pin">): HTMLElement => {
    // A pin without its input item draws an empty text input, as an item without `type` does.
    const input: InputItemSpec = isRecord(spec.input) ? spec.input : { type: "text" };
    const name = str(input.name);
    // Pins always report changes (for pin_wait / pin_onchange), not as input_event.
    const view = createItemView(
      { ...input, onchange: true, onblur: false },
      {
        inputEvent: (_event, _name, value) => this.changed(name, value),
        callback: (callbackId) => this.ctx.send({ event: "callback", task_id: callbackId, data: null }),
      },
    );
    view.element.classList.add("pywebio-pin");
    this.views.set(name, [...this.live(name), view]);
    return h("div", { class: "pywebio-pin-widget", "data-pin-name": name }, view.element);
  };

  /** Views of `name` still in the root (a removed scope takes its pins with it). */
  private live(name: string): ItemView[] {
    const views = (this.views.get(name) ?? []).filter((view) => this.ctx.root.contains(view.element));
    this.views.set(name, views);
    return views;
  }

  private changed(name: string, value: unknown): void {
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
    for (const view of this.live(str(spec.name))) view.update(attributes);
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
