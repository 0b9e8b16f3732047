/**
 * Input forms: `input_group`, `update_input`, `destroy_form`.
 *
 * One form per task id lives in the root's `.pywebio-forms` panel (a new form for a
 * task replaces that task's old one). Submitting sends `from_submit` with every item's
 * value; the submit buttons stay disabled until the server answers (an `update_input`
 * re-enables them, a `destroy_form` removes the form).
 *
 * A submit button submits from its own `click` listener (Enter in a field clicks the
 * default button too): the form's `submit` event would come only after every click
 * listener of the page above it ran (JupyterLab's notebook: ~1.5 ms before the answer
 * left, `bench/bench_jupyterlab_latency.py`). A removed form sends no more events (the
 * browser blurs the focused field it held).
 */
import type { ActionButtonSpec, InputGroupSpec, InputItemOf, UpdateInputSpec } from "../protocol.gen";
import type { RenderContext } from "./context";
import { buttonClass, h, isRecord, str } from "./dom";
import { t } from "./i18n";
import { createItemView, type ItemHooks, type ItemView } from "./inputs";

/** How long an answer travels before its form's submit buttons show it (disabled). */
export const WAITING_SHOWN_MS = 100;

class FormView {
  readonly element: HTMLFormElement;
  readonly items = new Map<string, ItemView>();
  private readonly submitButtons: HTMLButtonElement[] = [];
  /** Value sent under an actions item's name when one of its buttons submits. */
  private readonly actionValues = new WeakMap<HTMLButtonElement, { name: string; value: unknown }>();
  /** Removed by `destroy_form`: its fields' blur (focus leaves with them) is no event. */
  closed = false;
  /** An answer travels: another submit is ignored until the server answers. */
  private waiting = false;
  /**
   * A file item holds the form's `submit` event back until its files are sent
   * (upload.ts listens to it): such a form submits the browser's way.
   */
  private readonly submitsViaEvent: boolean;
  private waitingShown: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly taskId: string,
    spec: InputGroupSpec,
    private readonly ctx: RenderContext,
  ) {
    this.element = h("form", { class: "pywebio-form", "data-task-id": taskId, novalidate: true });
    if (spec.label) this.element.append(h("h5", { class: "pywebio-form__title" }, spec.label));
    const body = h("div", { class: "pywebio-form__body" });
    this.element.append(body);

    const hooks: ItemHooks = {
      inputEvent: (eventName, name, value) => {
        if (!this.closed)
          ctx.send({ event: "input_event", task_id: taskId, data: { event_name: eventName, name, value } });
      },
      callback: (callbackId) => ctx.send({ event: "callback", task_id: callbackId, data: null }),
      blob: (ref) => ctx.blobs.get(ref),
    };
    const inputs = spec.inputs ?? [];
    this.submitsViaEvent = inputs.some((item) => item.type === "file");
    const last = inputs[inputs.length - 1];
    const lastIsSubmitActions =
      last?.type === "actions" && (last.buttons ?? []).some((b) => (b.type ?? "submit") === "submit");

    for (const item of inputs) {
      if (item.type === "actions") {
        body.append(this.renderActions(item));
        continue;
      }
      try {
        const view = createItemView(item, hooks);
        this.items.set(view.name, view);
        body.append(view.element);
      } catch (error) {
        ctx.reportError(`input_group: cannot render item ${JSON.stringify(item.name)}`, error);
      }
    }
    if (!lastIsSubmitActions) body.append(this.renderDefaultButtons(spec.cancelable === true));

    this.element.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit(event.submitter);
    });
    const focused = inputs.find((item) => item.auto_focus);
    if (focused?.name) setTimeout(() => this.items.get(str(focused.name))?.focus(), 0);
  }

  private renderDefaultButtons(cancelable: boolean): HTMLElement {
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("submit"));
    const reset = h("button", { type: "reset", class: "btn btn-warning" }, t("reset"));
    this.submitButtons.push(submit);
    this.submitOnClick(submit);
    const row = h("div", { class: "pywebio-form__buttons" }, submit, reset);
    if (cancelable) row.append(this.cancelButton(t("cancel"), "btn btn-danger", false));
    return row;
  }

  private cancelButton(label: string, className: string, disabled: boolean): HTMLButtonElement {
    const button = h("button", { type: "button", class: className, disabled }, label);
    button.addEventListener("click", () => this.ctx.send({ event: "from_cancel", task_id: this.taskId, data: null }));
    return button;
  }

  private renderActions(item: InputItemOf<"actions">): HTMLElement {
    const name = str(item.name);
    const wrapper = h("div", { class: "pywebio-form-item", "data-name": name, "data-type": "actions" });
    if (item.label) wrapper.append(h("label", { class: "form-label" }, item.label));
    const row = h("div", { class: "pywebio-form__buttons" });
    for (const spec of item.buttons ?? []) row.append(this.actionButton(name, spec));
    wrapper.append(row);
    if (item.help_text) wrapper.append(h("small", { class: "form-text" }, item.help_text));
    return wrapper;
  }

  private actionButton(name: string, spec: ActionButtonSpec): HTMLButtonElement {
    const type = spec.type ?? "submit";
    const className = buttonClass(str(spec.color, type === "submit" ? "primary" : "secondary"), {});
    const label = str(spec.label, str(spec.value));
    if (type === "cancel") return this.cancelButton(label, className, spec.disabled === true);
    const button = h("button", { type, class: className, disabled: spec.disabled === true, name }, label);
    if (type === "submit") {
      this.actionValues.set(button, { name, value: spec.value ?? null });
      this.submitButtons.push(button);
      this.submitOnClick(button);
    }
    return button;
  }

  private submitOnClick(button: HTMLButtonElement): void {
    button.addEventListener("click", (event) => {
      if (this.submitsViaEvent) return;
      event.preventDefault(); // no form submission (and no second `submit` event)
      this.submit(button);
    });
  }

  private submit(submitter: HTMLElement | null): void {
    if (this.waiting) return;
    const data: Record<string, unknown> = {};
    for (const [name, view] of this.items) data[name] = view.getValue();
    const action = submitter instanceof HTMLButtonElement ? this.actionValues.get(submitter) : undefined;
    if (action) data[action.name] = action.value;
    this.ctx.send({ event: "from_submit", task_id: this.taskId, data });
    this.setWaiting(true);
  }

  /** Disable the submit buttons while the server validates a submission. */
  /**
   * Mark the form as waiting for the server (or not any more).
   *
   * The submit buttons turn disabled only if the answer takes `WAITING_SHOWN_MS`: the
   * next form usually replaces this one sooner, and disabling them at once would make
   * the page render a frame ahead of the kernel's answer (JupyterLab: the next form
   * waited for it). Until then the `waiting` flag keeps a second submit out.
   */
  setWaiting(waiting: boolean): void {
    this.waiting = waiting;
    clearTimeout(this.waitingShown);
    this.waitingShown = undefined;
    if (waiting) {
      this.waitingShown = setTimeout(() => this.showWaiting(), WAITING_SHOWN_MS);
      return;
    }
    for (const button of this.submitButtons) {
      if (button.dataset["wasDisabled"] !== undefined) {
        button.disabled = button.dataset["wasDisabled"] === "true";
        delete button.dataset["wasDisabled"];
      }
    }
  }

  private showWaiting(): void {
    this.waitingShown = undefined;
    if (this.closed || !this.waiting) return;
    for (const button of this.submitButtons) {
      // disabled while offline (Renderer.showDisconnected) is not the button's own state
      button.dataset["wasDisabled"] = String(button.disabled && button.dataset["offline"] === undefined);
      button.disabled = true;
    }
  }
}

/** The forms of one renderer, keyed by task id. */
export class Forms {
  private readonly forms = new Map<string, FormView>();

  constructor(private readonly ctx: RenderContext) {}

  inputGroup(taskId: string | null, spec: InputGroupSpec): void {
    const key = str(taskId);
    const form = new FormView(key, spec, this.ctx);
    const old = this.forms.get(key);
    if (old) old.closed = true;
    if (old) this.keepFocusInside(old.element);
    if (old) old.element.replaceWith(form.element);
    else this.ctx.forms.append(form.element);
    this.forms.set(key, form);
  }

  updateInput(taskId: string | null, spec: UpdateInputSpec): void {
    const name = str(spec.target_name);
    let form = this.forms.get(str(taskId));
    if (!form?.items.has(name)) {
      // Fall back to the newest form that has this item.
      form =
        Array.from(this.forms.values())
          .reverse()
          .find((f) => f.items.has(name)) ?? form;
    }
    if (!form) {
      console.debug(`pywebio_nb: update_input for task ${taskId}: no form`);
      return;
    }
    form.setWaiting(false);
    const view = form.items.get(name);
    if (!view) {
      console.debug(`pywebio_nb: update_input: no item named ${JSON.stringify(name)}`);
      return;
    }
    view.update(isRecord(spec.attributes) ? spec.attributes : {});
  }

  destroyForm(taskId: string | null): void {
    const key = str(taskId);
    const form = this.forms.get(key);
    if (form) form.closed = true;
    if (form) this.keepFocusInside(form.element);
    form?.element.remove();
    this.forms.delete(key);
  }

  /**
   * Before removing an element that holds the focus, move the focus to the forms panel.
   *
   * Focus that moves within our shadow root is not seen outside it (focus events whose
   * target and related target are the same host stop at the shadow root), while focus
   * lost with a removed field reaches the page: JupyterLab's notebook then runs its focus
   * handlers and a forced style update in the task that shows the next form (1-2 ms,
   * `bench/bench_jupyterlab_latency.py --trace`). The next form's auto focus moves it on.
   */
  private keepFocusInside(element: HTMLElement): void {
    const active = this.ctx.root.activeElement;
    if (!active || !element.contains(active)) return;
    const panel = this.ctx.forms;
    if (!panel.hasAttribute("tabindex")) {
      panel.tabIndex = -1; // focusable by script only, never by Tab
      panel.style.outline = "none";
    }
    panel.focus({ preventScroll: true });
  }

  /** Remove every form (a `resync` batch sends the open ones again). */
  destroyAll(): void {
    for (const key of Array.from(this.forms.keys())) this.destroyForm(key);
  }
}
