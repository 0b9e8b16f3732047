/**
 * Pin widgets: the `pin` output type, the `pin_change` event every user change sends,
 * and the PyWebIO commands pin_value / pin_update / pin_wait / pin_onchange.
 */
import { EditorView } from "@codemirror/view";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EXPIRED_NOTICE } from "../src/renderer/pins";
import { command, harness, output } from "./helpers";

afterEach(() => {
  vi.useRealTimers();
});

// jsdom has no layout: CodeMirror's measuring asks ranges for rectangles.
const emptyRects = (): DOMRectList => Object.assign([], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getClientRects ??= emptyRects;
Range.prototype.getBoundingClientRect ??= () => new DOMRect();

/** The events sent, less the `pin_change` reports (tested on their own below). */
function others(sent: unknown[]): unknown[] {
  return sent.filter((e) => (e as { event: string }).event !== "pin_change");
}

function withPin(input: Record<string, unknown>) {
  const t = harness();
  t.handle(output({ type: "pin", input }));
  const control = t.root().querySelector<HTMLInputElement | HTMLSelectElement>("input, select, textarea");
  if (!control) throw new Error("no pin control");
  const type = (value: string): void => {
    control.value = value;
    control.dispatchEvent(new Event("input"));
  };
  return { ...t, control, type };
}

describe("pins", () => {
  it("pin_value answers with the widget's current value", () => {
    const t = withPin({ type: "text", name: "p", value: "start" });
    t.handle(command("pin_value", { name: "p" }, "t1"));
    t.type("typed");
    t.handle(command("pin_value", { name: "p" }, "t2"));
    expect(others(t.sent)).toEqual([
      { event: "js_yield", task_id: "t1", data: "start" },
      { event: "js_yield", task_id: "t2", data: "typed" },
    ]);
  });

  it("pin_value of an unknown pin answers null", () => {
    const t = harness();
    t.handle(command("pin_value", { name: "nope" }, "t1"));
    expect(t.sent).toEqual([{ event: "js_yield", task_id: "t1", data: null }]);
  });

  it("a pin removed with its scope is gone", () => {
    const t = harness();
    t.handle(
      output({
        type: "scope",
        dom_id: "pywebio-scope-s",
        contents: [{ type: "pin", input: { type: "text", name: "p" } }],
      }),
      command("output_ctl", { remove: "#pywebio-scope-s" }),
      command("pin_value", { name: "p" }, "t1"),
    );
    expect(t.sent).toEqual([{ event: "js_yield", task_id: "t1", data: null }]);
  });

  it("pin_update changes the widget", () => {
    const t = withPin({ type: "text", name: "p", value: "a" });
    t.handle(command("pin_update", { name: "p", attributes: { value: "b", placeholder: "hint" } }));
    expect(t.control.value).toBe("b");
    expect(t.control.getAttribute("placeholder")).toBe("hint");
  });

  it("pin_wait answers with the first change", () => {
    const t = withPin({ type: "text", name: "p" });
    t.handle(command("pin_wait", { names: ["p", "q"], timeout: null }, "w"));
    expect(t.sent).toEqual([]);
    t.type("x");
    t.type("y");
    expect(others(t.sent)).toEqual([{ event: "js_yield", task_id: "w", data: { name: "p", value: "x" } }]);
  });

  it("pin_wait answers null on timeout", () => {
    vi.useFakeTimers();
    const t = withPin({ type: "text", name: "p" });
    t.handle(command("pin_wait", { names: ["p"], timeout: 2 }, "w"));
    vi.advanceTimersByTime(1999);
    expect(t.sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(t.sent).toEqual([{ event: "js_yield", task_id: "w", data: null }]);
    t.type("late");
    expect(others(t.sent).length).toBe(1);
  });

  it("a pin_wait answered by a change does not time out later", () => {
    vi.useFakeTimers();
    const t = withPin({ type: "text", name: "p" });
    t.handle(command("pin_wait", { names: ["p"], timeout: 2 }, "w"));
    t.type("x");
    vi.advanceTimersByTime(5000);
    expect(others(t.sent)).toEqual([{ event: "js_yield", task_id: "w", data: { name: "p", value: "x" } }]);
  });

  it("pin_onchange sends each change to its callbacks until cleared", () => {
    const t = withPin({ type: "text", name: "p" });
    t.handle(command("pin_onchange", { name: "p", callback_id: "cb", clear: false }));
    t.type("x");
    t.handle(command("pin_onchange", { name: "p", callback_id: null, clear: true }));
    t.type("y");
    expect(others(t.sent)).toEqual([{ event: "callback", task_id: "cb", data: "x" }]);
  });

  it("every user change is reported as pin_change, in order", () => {
    const t = withPin({ type: "text", name: "p" });
    t.type("a");
    t.type("ab");
    expect(t.sent).toEqual([
      { event: "pin_change", task_id: null, data: { name: "p", value: "a" } },
      { event: "pin_change", task_id: null, data: { name: "p", value: "ab" } },
    ]);
  });

  it("a value set by pin_update is not reported", () => {
    const t = withPin({ type: "text", name: "p" });
    t.handle(command("pin_update", { name: "p", attributes: { value: "from python" } }));
    expect(t.control.value).toBe("from python");
    expect(t.sent).toEqual([]);
  });

  it("choice widgets report option values (indices on the wire)", () => {
    const t = harness();
    t.handle(
      output({
        type: "pin",
        input: {
          type: "select",
          name: "s",
          options: [
            { label: "A", value: 0 },
            { label: "B", value: 1 },
          ],
        },
      }),
    );
    const select = t.root().querySelector("select");
    if (!select) throw new Error("no select");
    select.selectedIndex = 1;
    select.dispatchEvent(new Event("change"));
    expect(t.sent).toEqual([{ event: "pin_change", task_id: null, data: { name: "s", value: 1 } }]);
  });

  it("put_actions: a click sets the value and reports it; pin_value reads it", () => {
    const t = harness();
    t.handle(
      output({
        type: "pin",
        input: {
          type: "actions",
          name: "act",
          label: "Do",
          buttons: [
            { label: "One", value: 0, type: "submit" },
            { label: "Two", value: 1, type: "submit", disabled: true },
          ],
        },
      }),
      command("pin_value", { name: "act" }, "t0"),
    );
    const buttons = t.root().querySelectorAll("button");
    expect(Array.from(buttons, (b) => [b.textContent, b.disabled])).toEqual([
      ["One", false],
      ["Two", true],
    ]);
    expect(t.root().querySelector("label")?.textContent).toBe("Do");
    buttons[0]?.click();
    t.handle(command("pin_value", { name: "act" }, "t1"));
    expect(t.sent).toEqual([
      { event: "js_yield", task_id: "t0", data: null },
      { event: "pin_change", task_id: null, data: { name: "act", value: 0 } },
      { event: "js_yield", task_id: "t1", data: 0 },
    ]);
  });

  it("put_actions: pin_update shows a new label and help text and hides an emptied one", () => {
    const t = harness();
    t.handle(output({ type: "pin", input: { type: "actions", name: "act", label: "Do", buttons: [] } }));
    const label = t.root().querySelector<HTMLElement>("label");
    const help = t.root().querySelector<HTMLElement>(".form-text");
    expect([label?.hidden, help?.hidden]).toEqual([false, true]);
    t.handle(command("pin_update", { name: "act", attributes: { label: "", help_text: "Pick one" } }));
    expect([label?.hidden, help?.textContent, help?.hidden]).toEqual([true, "Pick one", false]);
  });

  it("a new widget of the same name expires the old one", () => {
    const t = withPin({ type: "text", name: "p", value: "old" });
    t.handle(output({ type: "pin", input: { type: "text", name: "p", value: "new" } }));
    const inputs = t.root().querySelectorAll("input");
    expect(Array.from(inputs, (i) => i.value)).toEqual(["new"]);
    expect(t.root().textContent).toContain(EXPIRED_NOTICE);
    t.handle(command("pin_update", { name: "p", attributes: { value: "updated" } }));
    t.handle(command("pin_value", { name: "p" }, "t"));
    expect(t.sent).toEqual([{ event: "js_yield", task_id: "t", data: "updated" }]);
  });

  it("pin_update expired: the widget is replaced by the notice and reports nothing more", () => {
    const t = withPin({ type: "text", name: "p" });
    t.handle(command("pin_update", { name: "p", attributes: { expired: true } }));
    expect(t.root().querySelector("input")).toBeNull();
    expect(t.root().textContent).toContain(EXPIRED_NOTICE);
    t.type("ignored"); // the detached control
    t.handle(command("pin_value", { name: "p" }, "t"));
    expect(others(t.sent)).toEqual([{ event: "js_yield", task_id: "t", data: null }]);
  });

  it("a snapshot's expired widget is drawn as the notice", () => {
    const t = harness();
    t.handle(output({ type: "pin", input: { type: "text", name: "p", expired: true } }));
    expect(t.root().querySelector("input")).toBeNull();
    expect(t.root().textContent).toContain(EXPIRED_NOTICE);
  });

  it("a code textarea: the user's edits are reported, a value set by pin_update is not", async () => {
    const t = harness();
    document.body.append(t.renderer.root.host); // the editor attaches once in a document
    t.handle(output({ type: "pin", input: { type: "textarea", name: "md", code: { mode: "markdown" }, value: "#" } }));
    await vi.waitFor(() => {
      if (!t.root().querySelector(".cm-editor")) throw new Error("no editor yet");
    });
    const dom = t.root().querySelector<HTMLElement>(".cm-editor");
    const view = dom && EditorView.findFromDOM(dom);
    if (!view) throw new Error("no EditorView");
    view.dispatch({ changes: { from: view.state.doc.length, insert: " Title" } });
    t.handle(command("pin_update", { name: "md", attributes: { value: "set by python" } }));
    expect(view.state.doc.toString()).toBe("set by python");
    expect(t.sent).toEqual([{ event: "pin_change", task_id: null, data: { name: "md", value: "# Title" } }]);
    t.renderer.root.host.remove();
  });
});
