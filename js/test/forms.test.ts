/** input_group / update_input / destroy_form: what the form sends back for each item type. */
import { describe, expect, it, vi } from "vitest";
import { WAITING_SHOWN_MS } from "../src/renderer/forms";
import { command, harness } from "./helpers";

const options = (...values: unknown[]) => values.map((value) => ({ label: String(value), value }));

function form(inputs: unknown[], extra: Record<string, unknown> = {}) {
  const t = harness();
  t.handle(command("input_group", { label: "F", inputs, ...extra }, "task"));
  const el = t.renderer.root.querySelector<HTMLFormElement>("form.pywebio-form");
  if (!el) throw new Error("no form");
  const item = (name: string) => el.querySelector<HTMLElement>(`[data-name="${name}"]`);
  const submit = (button?: HTMLButtonElement | null) =>
    el.dispatchEvent(new SubmitEvent("submit", { submitter: button ?? null, cancelable: true }));
  return { ...t, el, item, submit };
}

describe("forms", () => {
  it("submits every item's value in the shape the Python side expects", () => {
    const f = form([
      { type: "text", name: "t", value: "hi" },
      { type: "number", name: "n", value: 3 },
      { type: "password", name: "pw" },
      { type: "textarea", name: "ta", value: "multi\nline" },
      { type: "select", name: "s", options: options("a", { b: 1 }) },
      { type: "select", name: "sm", multiple: true, options: options(1, 2, 3), value: [1, 3] },
      { type: "checkbox", name: "c", options: options(1, 2), value: [2] },
      { type: "radio", name: "r", options: options("x", "y") },
      { type: "slider", name: "sl", value: 7, min_value: 0, max_value: 10 },
    ]);
    f.submit();
    expect(f.sent).toEqual([
      {
        event: "from_submit",
        task_id: "task",
        data: { t: "hi", n: "3", pw: "", ta: "multi\nline", s: "a", sm: [1, 3], c: [2], r: null, sl: 7 },
      },
    ]);
  });

  it("reads user changes: choices keep their original JSON values", () => {
    const f = form([
      { type: "select", name: "s", options: options("a", { b: 1 }) },
      { type: "radio", name: "r", options: options("x", { y: [1] }) },
    ]);
    const select = f.item("s")?.querySelector("select");
    if (select) select.selectedIndex = 1;
    f.item("r")?.querySelectorAll<HTMLInputElement>("input")[1]?.click();
    f.submit();
    expect(f.sent[0]?.data).toEqual({ s: { b: 1 }, r: { y: [1] } });
  });

  it("an actions item submits the clicked button's value; cancel sends from_cancel", () => {
    const f = form([
      { type: "text", name: "t" },
      {
        type: "actions",
        name: "act",
        buttons: [
          { label: "Save", value: "save" },
          { label: "Cancel", type: "cancel" },
        ],
      },
    ]);
    const [save, cancel] = Array.from(f.el.querySelectorAll<HTMLButtonElement>("button"));
    f.submit(save);
    cancel?.click();
    expect(f.sent).toEqual([
      { event: "from_submit", task_id: "task", data: { t: "", act: "save" } },
      { event: "from_cancel", task_id: "task", data: null },
    ]);
  });

  it("onchange / onblur items send input_event", () => {
    const f = form([{ type: "text", name: "t", onchange: true, onblur: true }]);
    const input = f.item("t")?.querySelector("input");
    if (!input) throw new Error("no input");
    input.value = "v";
    input.dispatchEvent(new Event("input"));
    input.dispatchEvent(new Event("blur"));
    expect(f.sent).toEqual([
      { event: "input_event", task_id: "task", data: { event_name: "change", name: "t", value: "v" } },
      { event: "input_event", task_id: "task", data: { event_name: "blur", name: "t", value: "v" } },
    ]);
  });

  it("a submit button's click submits at once, once (the form's submit event does not follow)", () => {
    const f = form([{ type: "text", name: "t", value: "v" }]);
    const host = f.renderer.root.host; // a connected form is submitted by its button's click
    document.body.append(host);
    const onSubmit = vi.fn();
    f.el.addEventListener("submit", onSubmit);
    f.el.querySelector<HTMLButtonElement>("button[type=submit]")?.click();
    expect(f.sent).toEqual([{ event: "from_submit", task_id: "task", data: { t: "v" } }]);
    expect(onSubmit).not.toHaveBeenCalled();
    host.remove();
  });

  it("a removed form's field sends no blur (the browser blurs it on removal)", () => {
    const f = form([{ type: "text", name: "t", onblur: true }]);
    const input = f.item("t")?.querySelector("input");
    f.handle(command("destroy_form", null, "task"));
    input?.dispatchEvent(new Event("blur"));
    expect(f.sent).toEqual([]);
  });

  it("a removed form's focus moves to the forms panel, not out of the shadow root", () => {
    const f = form([{ type: "text", name: "t" }]);
    const host = f.renderer.root.host;
    document.body.append(host);
    const outside = vi.fn(); // what the page around the widget (JupyterLab) would see
    document.addEventListener("focusout", outside);
    f.item("t")?.querySelector("input")?.focus();
    expect(f.renderer.root.activeElement?.tagName).toBe("INPUT");
    f.handle(command("destroy_form", null, "task"));
    expect(f.renderer.root.activeElement?.classList.contains("pywebio-forms")).toBe(true);
    expect(outside).not.toHaveBeenCalled();
    document.removeEventListener("focusout", outside);
    host.remove();
  });

  it("a submitted form waits: a second submit is ignored, the buttons show it after a while", () => {
    vi.useFakeTimers();
    try {
      const f = form([{ type: "text", name: "t", value: "v" }]);
      const submit = f.el.querySelector<HTMLButtonElement>("button[type=submit]");
      f.submit(submit);
      f.submit(submit);
      expect(f.sent).toHaveLength(1);
      // no DOM change while a quick answer is on its way (the page would render a frame)
      expect(submit?.disabled).toBe(false);
      vi.advanceTimersByTime(WAITING_SHOWN_MS);
      expect(submit?.disabled).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("update_input shows validation and re-enables submit; destroy_form removes the form", () => {
    vi.useFakeTimers();
    const f = form([{ type: "text", name: "t" }], { cancelable: true });
    const submit = f.el.querySelector<HTMLButtonElement>("button[type=submit]");
    f.submit(submit);
    vi.advanceTimersByTime(WAITING_SHOWN_MS);
    vi.useRealTimers();
    expect(submit?.disabled).toBe(true);
    f.handle(
      command(
        "update_input",
        { target_name: "t", attributes: { valid_status: false, invalid_feedback: "too short" } },
        "task",
      ),
    );
    expect(submit?.disabled).toBe(false);
    f.submit(submit); // waiting ended with the server's answer: a new submit goes out
    expect(f.sent.filter((e) => e.event === "from_submit")).toHaveLength(2);
    expect(f.item("t")?.querySelector("input")?.classList.contains("is-invalid")).toBe(true);
    expect(f.item("t")?.querySelector(".invalid-feedback")?.textContent).toBe("too short");
    f.handle(command("destroy_form", null, "task"));
    expect(f.el.isConnected).toBe(false);
  });

  it("an unknown item type is reported and the rest of the form still renders", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const f = form([
      { type: "bogus", name: "b" },
      { type: "text", name: "t" },
    ]);
    expect(f.item("t")).not.toBeNull();
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('cannot render item "b"'), expect.anything());
    errors.mockRestore();
  });
});
