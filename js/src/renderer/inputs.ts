/**
 * Input items: one `ItemView` per item of an `input_group` (also used by pin widgets).
 *
 * A view owns its DOM (label, control, feedback, help text), reads its value in the
 * shape the Python side expects (text-like items: the raw string; checkbox: the list of
 * the options' original JSON values; radio: a value or null; select: a value or a list;
 * slider: a number) and applies `update_input` attributes.
 *
 * Views are made from a table keyed by the generated `InputType` (less `actions`, which
 * the form draws): a type without a view is a compile error.
 */
import {
  type BlobRef,
  INPUT_TYPES,
  type InputItemOf,
  type InputItemSpec,
  type InputType,
  type OptionSpec,
  type TEXT_INPUT_TYPES,
} from "../protocol.gen";
import { h, isRecord, setShownText, str } from "./dom";
import { isStringKey, t } from "./i18n";
import { FileView } from "./upload";

/** The `type` values of `input()`, each a single <input>. */
type TextType = (typeof TEXT_INPUT_TYPES)[number];

export interface ItemHooks {
  /** `input_event` for items with `onblur` / `onchange`. */
  inputEvent(eventName: "blur" | "change", name: string, value: unknown): void;
  /** A callback (the `action` button of a text input). */
  callback(callbackId: string): void;
  /** A blob received beside the commands (the code editor module of the widget). */
  blob?(ref: BlobRef): Blob | null;
}

export interface ItemView {
  readonly name: string;
  readonly type: string;
  /** The `.pywebio-form-item` wrapper. */
  readonly element: HTMLElement;
  getValue(): unknown;
  setValue(value: unknown): void;
  update(attributes: Record<string, unknown>): void;
  focus(): void;
}

/** The HTML input type of each `input()` type (they all send their raw string value). */
const HTML_INPUT_TYPE: { readonly [T in TextType]: string } = {
  text: "text",
  number: "number",
  float: "text",
  password: "password",
  url: "url",
  date: "date",
  time: "time",
  color: "color",
  "datetime-local": "datetime-local",
};

/** Item fields that are not HTML attributes of the control. */
const NON_ATTRIBUTE_KEYS = new Set([
  "label",
  "type",
  "name",
  "value",
  "onchange",
  "onblur",
  "auto_focus",
  "help_text",
  "datalist",
  "action",
  "options",
  "inline",
  "code",
  "code_module",
  "buttons",
  "max_size",
  "max_total_size",
  "min_value",
  "max_value",
  "float",
  "valid_status",
  "invalid_feedback",
  "invalid_feedback_key",
  "invalid_feedback_args",
  "valid_feedback",
  "validate",
  "multiple",
  "required",
  "readonly",
  "disabled",
  "placeholder",
]);

/**
 * `update_input` options off the wire: the records among `list`, with the label
 * defaulting to the value as the views draw it.
 */
function optionsFrom(list: unknown[]): OptionSpec[] {
  return list.filter(isRecord).map((option) => ({
    label: str(option["label"], str(option["value"])),
    value: option["value"],
    selected: option["selected"] === true,
    disabled: option["disabled"] === true,
  }));
}

let uid = 0;
const nextId = (prefix: string): string => `pywebio-nb-${prefix}-${++uid}`;

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** Set the extra HTML attributes of an item (anything not in NON_ATTRIBUTE_KEYS). */
function applyExtraAttributes(control: Element, attributes: object): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (NON_ATTRIBUTE_KEYS.has(key) || !/^[a-zA-Z][\w-]*$/.test(key)) continue;
    if (value === false || value === null || value === undefined) control.removeAttribute(key);
    else if (value === true) control.setAttribute(key, "");
    else if (typeof value === "string" || typeof value === "number") control.setAttribute(key, String(value));
  }
}

/** The shared frame of every item: label, control slot, feedback and help text. */
class ItemFrame {
  readonly element: HTMLElement;
  readonly label: HTMLLabelElement;
  readonly invalid = h("div", { class: "invalid-feedback" });
  readonly valid = h("div", { class: "valid-feedback" });
  readonly help = h("small", { class: "form-text" });
  readonly slot = h("div", { class: "pywebio-form-item__control" });

  constructor(spec: InputItemSpec, controlId: string | null) {
    this.label = h("label", { class: "form-label", for: controlId });
    this.setLabel(spec.label);
    this.element = h("div", { class: "pywebio-form-item", "data-name": str(spec.name), "data-type": str(spec.type) });
    this.element.append(this.label, this.slot, this.invalid, this.valid, this.help);
    this.setHelp(spec.help_text);
  }

  setLabel(label: unknown): void {
    setShownText(this.label, label);
  }

  setHelp(text: unknown): void {
    setShownText(this.help, text);
  }

  setValidity(controls: Element[], status: unknown, attributes: Record<string, unknown>): void {
    const key = attributes["invalid_feedback_key"];
    const args = attributes["invalid_feedback_args"];
    if (isStringKey(key)) this.invalid.textContent = t(key, undefined, Array.isArray(args) ? args : []);
    else if (attributes["invalid_feedback"] !== undefined)
      this.invalid.textContent = str(attributes["invalid_feedback"]);
    if (attributes["valid_feedback"] !== undefined) this.valid.textContent = str(attributes["valid_feedback"]);
    if (status === undefined) return;
    const isValid = status === true;
    const isInvalid = status === false;
    for (const control of controls) {
      control.classList.toggle("is-valid", isValid);
      control.classList.toggle("is-invalid", isInvalid);
    }
    this.valid.classList.toggle("pywebio-show", isValid && !!this.valid.textContent);
    this.invalid.classList.toggle("pywebio-show", isInvalid && !!this.invalid.textContent);
  }
}

/** Common behaviour of items whose state is a list of controls. */
abstract class BaseView<S extends InputItemSpec> implements ItemView {
  readonly name: string;
  readonly type: string;
  readonly frame: ItemFrame;

  constructor(
    readonly spec: S,
    readonly hooks: ItemHooks,
    controlId: string | null,
  ) {
    this.name = str(spec.name);
    this.type = str(spec.type);
    this.frame = new ItemFrame(spec, controlId);
  }

  get element(): HTMLElement {
    return this.frame.element;
  }

  abstract controls(): Control[];
  abstract getValue(): unknown;
  abstract setValue(value: unknown): void;

  /** Wire blur/change events to `input_event` as the spec asks. */
  protected listen(target: Element, changeEvent: "input" | "change"): void {
    if (this.spec.onblur)
      target.addEventListener("blur", () => this.hooks.inputEvent("blur", this.name, this.getValue()));
    if (this.spec.onchange)
      target.addEventListener(changeEvent, () => this.hooks.inputEvent("change", this.name, this.getValue()));
  }

  protected setOptions(_options: OptionSpec[]): void {
    console.warn(`pywebio_nb: update_input options ignored for a ${this.type} item`);
  }

  update(attributes: Record<string, unknown>): void {
    const controls = this.controls();
    if ("label" in attributes) this.frame.setLabel(attributes["label"]);
    if ("help_text" in attributes) this.frame.setHelp(attributes["help_text"]);
    if (Array.isArray(attributes["options"])) this.setOptions(optionsFrom(attributes["options"]));
    if ("value" in attributes) this.setValue(attributes["value"]);
    for (const key of ["disabled", "readonly", "required", "placeholder"] as const) {
      if (!(key in attributes)) continue;
      const value = attributes[key];
      for (const control of this.controls()) {
        if (value === false || value === null || value === undefined) control.removeAttribute(key);
        else control.setAttribute(key, value === true ? "" : str(value));
      }
    }
    const main = controls[0];
    if (main && controls.length === 1) applyExtraAttributes(main, attributes);
    this.frame.setValidity(this.controls(), attributes["valid_status"], attributes);
  }

  focus(): void {
    this.controls()[0]?.focus();
  }
}

function setCommonAttributes(control: Control, spec: InputItemSpec): void {
  control.name = str(spec.name);
  if (spec.placeholder) control.setAttribute("placeholder", spec.placeholder);
  if (spec.required) control.required = true;
  if (spec.readonly) control.setAttribute("readonly", "");
  if (spec.disabled) control.disabled = true;
  applyExtraAttributes(control, spec);
}

type CodeEditorModule = typeof import("./code_editor");
let codeEditorModule: Promise<CodeEditorModule> | null = null;

/**
 * CodeMirror, loaded when the first `textarea(code=...)` appears: on the server page a
 * chunk of its own (esbuild splits this `import()`); the anywidget bundle inlines it.
 */
export function loadCodeEditor(module?: Blob | null): Promise<CodeEditorModule> {
  // The widget bundle has no editor: the kernel sends the module with the form (see
  // `code_module` in the protocol) and it is imported from a Blob URL, once.
  if (module && !codeEditorModule) {
    const url = URL.createObjectURL(module.type ? module : new Blob([module], { type: "text/javascript" }));
    codeEditorModule = (import(/* @vite-ignore */ url) as Promise<CodeEditorModule>).finally(() =>
      URL.revokeObjectURL(url),
    );
  }
  codeEditorModule ??= import("./code_editor");
  return codeEditorModule;
}

/** text, number, float, password, url, date, time, color, datetime-local, textarea. */
class TextView extends BaseView<InputItemOf<TextType | "textarea">> {
  readonly control: HTMLInputElement | HTMLTextAreaElement;
  /** The CodeMirror editor of a code textarea, once loaded and attached. */
  editor: import("./code_editor").CodeEditor | null = null;
  /** Settles when the code editor is attached (at once for other items). */
  readonly ready: Promise<void>;

  constructor(spec: InputItemOf<TextType | "textarea">, hooks: ItemHooks) {
    const id = nextId("input");
    super(spec, hooks, id);
    let field: HTMLElement;
    if (spec.type === "textarea") {
      this.control = h("textarea", { id, class: "form-control", rows: spec.rows ?? 6 });
      field = this.control;
    } else {
      const control = h("input", { id, type: HTML_INPUT_TYPE[spec.type] ?? "text", class: "form-control" });
      if (spec.type === "float") control.inputMode = "decimal";
      if (spec.type === "color") control.classList.add("form-control-color");
      this.control = control;
      field = this.addExtras(control, spec);
    }
    setCommonAttributes(this.control, spec);
    this.setValue(spec.value);
    this.listen(this.control, "input");
    this.frame.slot.append(field);
    this.ready =
      spec.type === "textarea" && spec.code
        ? this.attachEditor(spec, spec.code, spec.rows ?? 6, str(spec.placeholder)).catch((error: unknown) =>
            console.error("pywebio_nb: the code editor could not load; a plain textarea stays", error),
          )
        : Promise.resolve();
  }

  /** Replace the textarea by CodeMirror once it is loaded and the item is in a document. */
  private async attachEditor(
    spec: InputItemOf<"textarea">,
    code: unknown,
    rows: number,
    placeholder: string,
  ): Promise<void> {
    const textarea = this.control as HTMLTextAreaElement;
    const module = isRecord(spec.code_module) ? this.hooks.blob?.(spec.code_module) : null;
    const { attachCodeEditor } = await loadCodeEditor(module);
    // CodeMirror puts its styles into the root node it is mounted in (our shadow root):
    // wait until the form is attached (a frame or two at most).
    for (let frame = 0; !textarea.isConnected && frame < 120; frame++)
      await new Promise((resolve) => requestAnimationFrame(resolve));
    this.editor = attachCodeEditor(textarea, { code, rows, placeholder }, () =>
      textarea.dispatchEvent(new Event("blur")),
    );
  }

  override update(attributes: Record<string, unknown>): void {
    super.update(attributes);
    if (this.editor && "readonly" in attributes) this.editor.setReadOnly(attributes["readonly"] === true);
  }

  override focus(): void {
    if (this.editor) this.editor.focus();
    else super.focus();
  }

  /** The datalist and the action button of an `input()`; the element to put in the slot. */
  private addExtras(control: HTMLInputElement, spec: InputItemOf<TextType>): HTMLElement {
    if (spec.datalist) {
      const listId = nextId("datalist");
      control.setAttribute("list", listId);
      const list = h("datalist", { id: listId });
      for (const entry of spec.datalist) list.append(h("option", { value: str(entry) }));
      this.frame.slot.append(list);
    }
    if (!isRecord(spec.action)) return control;
    const { label, callback_id: callbackId } = spec.action;
    const button = h("button", { type: "button", class: "btn btn-outline-secondary" }, str(label));
    button.addEventListener("click", () => this.hooks.callback(callbackId));
    return h("div", { class: "input-group" }, control, button);
  }

  controls(): Control[] {
    return [this.control];
  }

  getValue(): unknown {
    return this.control.value;
  }

  setValue(value: unknown): void {
    this.control.value = value === undefined || value === null ? "" : str(value);
    this.editor?.setValue(this.control.value);
  }
}

/** checkbox and radio: one `.form-check` per option, values kept in a table. */
class ChoiceView extends BaseView<InputItemOf<"checkbox" | "radio">> {
  private values: unknown[] = [];
  private inputs: HTMLInputElement[] = [];
  private readonly group = h("div", { class: "pywebio-choices", role: "group" });

  constructor(spec: InputItemOf<"checkbox" | "radio">, hooks: ItemHooks) {
    super(spec, hooks, null);
    this.frame.slot.append(this.group);
    this.setOptions(spec.options ?? []);
    if (spec.value !== undefined && spec.value !== null) this.setValue(spec.value);
  }

  private get multiple(): boolean {
    return this.type === "checkbox";
  }

  protected override setOptions(options: OptionSpec[]): void {
    this.group.replaceChildren();
    this.values = options.map((option) => option.value ?? null);
    this.inputs = options.map((option, index) => {
      const id = nextId("choice");
      const input = h("input", {
        id,
        type: this.multiple ? "checkbox" : "radio",
        class: "form-check-input",
        name: this.name,
        value: String(index),
        checked: option.selected === true,
        disabled: option.disabled === true || this.spec.disabled === true,
      });
      if (this.spec.readonly) input.addEventListener("click", (event) => event.preventDefault());
      this.listen(input, "change");
      const label = h("label", { class: "form-check-label", for: id }, str(option.label, str(option.value)));
      const wrapper = h(
        "div",
        { class: this.spec.inline ? "form-check form-check-inline" : "form-check" },
        input,
        label,
      );
      this.group.append(wrapper);
      return input;
    });
  }

  controls(): Control[] {
    return this.inputs;
  }

  getValue(): unknown {
    const checked = this.inputs.flatMap((input, i) => (input.checked ? [this.values[i]] : []));
    return this.multiple ? checked : (checked[0] ?? null);
  }

  setValue(value: unknown): void {
    const wanted = this.multiple && Array.isArray(value) ? value : [value];
    this.inputs.forEach((input, i) => {
      input.checked = wanted.some((v) => sameValue(v, this.values[i]));
    });
  }
}

/** select (single or multiple). */
class SelectView extends BaseView<InputItemOf<"select">> {
  private values: unknown[] = [];
  readonly control: HTMLSelectElement;

  constructor(spec: InputItemOf<"select">, hooks: ItemHooks) {
    const id = nextId("select");
    super(spec, hooks, id);
    this.control = h("select", { id, class: "form-select", multiple: spec.multiple === true });
    setCommonAttributes(this.control, spec);
    this.setOptions(spec.options ?? []);
    if (spec.value !== undefined && spec.value !== null) this.setValue(spec.value);
    this.listen(this.control, "change");
    this.frame.slot.append(this.control);
  }

  protected override setOptions(options: OptionSpec[]): void {
    this.values = options.map((option) => option.value ?? null);
    this.control.replaceChildren(
      ...options.map((option, index) =>
        h(
          "option",
          { value: String(index), selected: option.selected === true, disabled: option.disabled === true },
          str(option.label, str(option.value)),
        ),
      ),
    );
    // A single select with no `selected` option starts on its first option (the
    // browser's default, as in PyWebIO), so submitting it untouched returns that value.
  }

  controls(): Control[] {
    return [this.control];
  }

  getValue(): unknown {
    const selected = Array.from(this.control.selectedOptions, (option) => this.values[Number(option.value)]);
    return this.control.multiple ? selected : (selected[0] ?? null);
  }

  setValue(value: unknown): void {
    const wanted = this.control.multiple && Array.isArray(value) ? value : [value];
    Array.from(this.control.options).forEach((option, i) => {
      option.selected = wanted.some((v) => sameValue(v, this.values[i]));
    });
  }
}

/** slider: a range input sending a number (an integer unless `float`). */
class SliderView extends BaseView<InputItemOf<"slider">> {
  readonly control: HTMLInputElement;
  private readonly output = h("output", { class: "pywebio-slider__value form-text" });

  constructor(spec: InputItemOf<"slider">, hooks: ItemHooks) {
    const id = nextId("slider");
    super(spec, hooks, id);
    this.control = h("input", {
      id,
      type: "range",
      class: "form-range",
      min: spec.min_value ?? 0,
      max: spec.max_value ?? 100,
      step: spec.step ?? (spec.float ? "any" : 1),
    });
    setCommonAttributes(this.control, spec);
    this.setValue(spec.value ?? spec.min_value ?? 0);
    this.control.addEventListener("input", () => (this.output.textContent = this.control.value));
    this.listen(this.control, "change");
    this.frame.slot.append(this.control, this.output);
  }

  controls(): Control[] {
    return [this.control];
  }

  getValue(): unknown {
    const value = Number(this.control.value);
    return this.spec.float ? value : Math.round(value);
  }

  setValue(value: unknown): void {
    this.control.value = str(value, this.control.value);
    this.output.textContent = this.control.value;
  }
}

/** Every item type a view draws: all but `actions`, which the form draws as its buttons. */
type ViewType = Exclude<InputType, "actions">;

const textView = (spec: InputItemOf<TextType | "textarea">, hooks: ItemHooks): ItemView => new TextView(spec, hooks);
const choiceView = (spec: InputItemOf<"checkbox" | "radio">, hooks: ItemHooks): ItemView => new ChoiceView(spec, hooks);

const ITEM_VIEWS: { readonly [T in ViewType]: (spec: InputItemOf<T>, hooks: ItemHooks) => ItemView } = {
  text: textView,
  number: textView,
  float: textView,
  password: textView,
  url: textView,
  date: textView,
  time: textView,
  color: textView,
  "datetime-local": textView,
  textarea: textView,
  select: (spec, hooks) => new SelectView(spec, hooks),
  checkbox: choiceView,
  radio: choiceView,
  slider: (spec, hooks) => new SliderView(spec, hooks),
  file: (spec, hooks) => new FileView(spec, hooks),
};

function isInputType(type: unknown): type is InputType {
  return INPUT_TYPES.some((known) => known === type);
}

/** Call the view factory of `type` (generic so that the table entry and the spec correlate). */
function makeView<T extends ViewType>(type: T, spec: InputItemOf<T>, hooks: ItemHooks): ItemView {
  const make: (spec: InputItemOf<T>, hooks: ItemHooks) => ItemView = ITEM_VIEWS[type];
  return make(spec, hooks);
}

/** Build the view of one input item (a missing `type` is `text`); throws for an unknown type. */
export function createItemView(spec: InputItemSpec, hooks: ItemHooks): ItemView {
  // Off the wire the tag may be missing or unknown; the views read the other fields defensively.
  const tag: unknown = spec.type;
  const item: InputItemSpec = tag === undefined || tag === null ? { ...spec, type: "text" } : spec;
  if (item.type === "actions" || !isInputType(item.type)) {
    const expected = INPUT_TYPES.filter((t) => t !== "actions").join(", ");
    throw new Error(`unknown input type ${JSON.stringify(tag)}; expected one of ${expected}`);
  }
  return makeView(item.type, item, hooks);
}
