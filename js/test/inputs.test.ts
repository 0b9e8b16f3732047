/** Input items: default strings by browser language, option indexes, the code editor. */
import { EditorView } from "@codemirror/view";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Event } from "../src/protocol.gen";
import { isStringKey, LANGUAGES, languageOf, t } from "../src/renderer/i18n";
import { Renderer } from "../src/renderer/renderer";
import { command } from "./helpers";

/** A page renderer attached to the document (CodeMirror mounts into a connected root). */
function form(inputs: unknown[], extra: Record<string, unknown> = {}) {
  const sent: Event[] = [];
  const host = document.createElement("div");
  document.body.append(host);
  const renderer = new Renderer(host, (event) => sent.push(event), { mode: "page" });
  renderer.handle([command("input_group", { label: "F", inputs, ...extra }, "task")]);
  const el = renderer.root.querySelector<HTMLFormElement>("form.pywebio-form");
  if (!el) throw new Error("no form");
  const item = (name: string) => {
    const found = el.querySelector<HTMLElement>(`[data-name="${name}"]`);
    if (!found) throw new Error(`no item ${name}`);
    return found;
  };
  const submit = () => el.dispatchEvent(new SubmitEvent("submit", { submitter: null, cancelable: true }));
  const update = (name: string, attributes: Record<string, unknown>) =>
    renderer.handle([command("update_input", { target_name: name, attributes }, "task")]);
  return { renderer, sent, el, item, submit, update, host };
}

// jsdom has no layout: CodeMirror's measuring asks ranges for rectangles.
const emptyRects = (): DOMRectList => Object.assign([], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getClientRects ??= emptyRects;
Range.prototype.getBoundingClientRect ??= () => new DOMRect();

function setLanguage(tag: string) {
  vi.spyOn(navigator, "language", "get").mockReturnValue(tag);
}

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

describe("default strings follow the browser language", () => {
  it.each([
    ["en-US", "en"],
    ["de-AT", "de"],
    ["zh-CN", "zh"],
    ["zh_TW", "zh"],
    ["ja", "ja"],
    ["RU", "ru"],
    ["pt-BR", "en"],
    ["", "en"],
  ])("%s -> %s", (tag, language) => {
    expect(languageOf(tag)).toBe(language);
  });

  it("every language translates every key (no English left in a translation by mistake)", () => {
    for (const language of LANGUAGES.filter((l) => l !== "en")) {
      expect(t("submit", language)).not.toBe(t("submit", "en"));
      expect(t("required", language)).not.toBe(t("required", "en"));
    }
  });

  it.each([
    ["de-DE", ["Absenden", "Zurücksetzen", "Abbrechen"]],
    ["fr", ["Envoyer", "Réinitialiser", "Annuler"]],
    ["ja-JP", ["送信", "リセット", "キャンセル"]],
    ["pt-BR", ["Submit", "Reset", "Cancel"]],
  ])("the form's buttons in %s", (tag, labels) => {
    setLanguage(tag);
    const f = form([{ type: "text", name: "t" }], { cancelable: true });
    const buttons = Array.from(f.el.querySelectorAll(".pywebio-form__buttons button"), (b) => b.textContent);
    expect(buttons).toEqual(labels);
  });

  it("a validation message sent by key is shown translated; other messages as sent", () => {
    setLanguage("es-ES");
    const f = form([
      { type: "text", name: "a" },
      { type: "text", name: "b" },
    ]);
    f.update("a", {
      valid_status: false,
      invalid_feedback: "Please fill in this field.",
      invalid_feedback_key: "required",
    });
    f.update("b", { valid_status: false, invalid_feedback: "too short", invalid_feedback_key: "no-such-key" });
    expect(f.item("a").querySelector(".invalid-feedback")?.textContent).toBe("Por favor, rellena este campo.");
    expect(f.item("b").querySelector(".invalid-feedback")?.textContent).toBe("too short");
    expect(isStringKey("toString")).toBe(false);
  });
});

it("a length limit message carries its number, in the browser's language", () => {
  setLanguage("ru");
  const f = form([{ type: "textarea", name: "t", maxlength: 3 }]);
  expect(f.item("t").querySelector("textarea")?.getAttribute("maxlength")).toBe("3");
  f.update("t", {
    valid_status: false,
    invalid_feedback: "Please use at most 3 characters.",
    invalid_feedback_key: "maxlength",
    invalid_feedback_args: [3],
  });
  expect(f.item("t").querySelector(".invalid-feedback")?.textContent).toBe("Введите не более 3 символов.");
});

describe("options travel as indexes", () => {
  const indexed = (...labels: string[]) => labels.map((label, value) => ({ label, value }));

  it("select, checkbox and radio send the indexes of the chosen options", () => {
    const f = form([
      { type: "select", name: "s", options: indexed("a", "b", "c") },
      { type: "select", name: "m", multiple: true, options: indexed("a", "b", "c") },
      { type: "checkbox", name: "c", options: indexed("x", "y") },
      { type: "radio", name: "r", options: indexed("x", "y"), inline: true },
    ]);
    const select = f.item("s").querySelector("select");
    if (select) select.selectedIndex = 2;
    const multi = f.item("m").querySelector("select");
    for (const i of [0, 2]) if (multi?.options[i]) multi.options[i].selected = true;
    f.item("c").querySelectorAll<HTMLInputElement>("input")[1]?.click();
    f.submit();
    expect(f.sent[0]?.data).toEqual({ s: 2, m: [0, 2], c: [1], r: null });
    expect(f.item("r").querySelector(".form-check-inline")).not.toBeNull();
  });

  it("update_input options and value replace the choices (dependent selects)", () => {
    const f = form([{ type: "select", name: "city", options: indexed("Beijing", "Shanghai") }]);
    f.update("city", {
      options: [
        { label: "New York", value: 0 },
        { label: "Los Angeles", value: 1, selected: true },
      ],
    });
    const labels = Array.from(f.item("city").querySelectorAll("option"), (o) => o.textContent);
    expect(labels).toEqual(["New York", "Los Angeles"]);
    f.submit();
    expect(f.sent[0]?.data).toEqual({ city: 1 });
  });

  it("the slider shows its value beside the bar", () => {
    const f = form([{ type: "slider", name: "s", value: 30, min_value: 0, max_value: 50, step: 5 }]);
    const range = f.item("s").querySelector<HTMLInputElement>("input[type=range]");
    const shown = f.item("s").querySelector("output");
    expect(shown?.textContent).toBe("30");
    if (!range) throw new Error("no range");
    range.value = "45";
    range.dispatchEvent(new Event("input"));
    expect(shown?.textContent).toBe("45");
  });
});

describe("code textarea", () => {
  async function codeForm(extra: Record<string, unknown> = {}) {
    const f = form([
      { type: "textarea", name: "code", code: { mode: "python" }, value: "x = 1", rows: 4, onchange: true, ...extra },
    ]);
    await vi.waitFor(() => {
      if (!f.item("code").querySelector(".cm-editor")) throw new Error("no editor yet");
    });
    const dom = f.item("code").querySelector<HTMLElement>(".cm-editor");
    const view = dom && EditorView.findFromDOM(dom);
    if (!view) throw new Error("no EditorView");
    return { ...f, view };
  }

  it("replaces the textarea by CodeMirror, whose text is the item's value", async () => {
    const f = await codeForm();
    expect(f.item("code").querySelector("textarea")?.hidden).toBe(true);
    expect(f.view.state.doc.toString()).toBe("x = 1");
    f.view.dispatch({ changes: { from: f.view.state.doc.length, insert: "\nprint(x)" } });
    // an edit is an onchange input_event, as typing into a plain textarea
    expect(f.sent[f.sent.length - 1]).toEqual({
      event: "input_event",
      task_id: "task",
      data: { event_name: "change", name: "code", value: "x = 1\nprint(x)" },
    });
    f.submit();
    expect(f.sent[f.sent.length - 1]?.data).toEqual({ code: "x = 1\nprint(x)" });
  });

  it("its styles go into the renderer's shadow root, not the document", async () => {
    const f = await codeForm();
    expect(f.view.root).toBe(f.renderer.root);
  });

  it("update_input value and readonly reach the editor", async () => {
    const f = await codeForm();
    f.update("code", { value: "y = 2", readonly: true });
    expect(f.view.state.doc.toString()).toBe("y = 2");
    expect(f.view.state.readOnly).toBe(true);
  });

  it("F11 toggles full screen, Esc leaves it", async () => {
    const f = await codeForm();
    const wrapper = f.item("code").querySelector<HTMLElement>(".pywebio-code");
    const key = (name: string) =>
      f.view.contentDOM.dispatchEvent(new KeyboardEvent("keydown", { key: name, bubbles: true, cancelable: true }));
    key("F11");
    expect(wrapper?.style.position).toBe("fixed");
    key("Escape");
    expect(wrapper?.style.position).toBe("");
  });
});
