/**
 * Pin widgets (PyWebIO protocol; the Python package does not send them yet): the `pin`
 * output type and the pin_value / pin_update / pin_wait / pin_onchange commands.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { command, harness, output } from "./helpers";

afterEach(() => {
  vi.useRealTimers();
});

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
    expect(t.sent).toEqual([
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
    expect(t.sent).toEqual([{ event: "js_yield", task_id: "w", data: { name: "p", value: "x" } }]);
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
    expect(t.sent.length).toBe(1);
  });

  it("a pin_wait answered by a change does not time out later", () => {
    vi.useFakeTimers();
    const t = withPin({ type: "text", name: "p" });
    t.handle(command("pin_wait", { names: ["p"], timeout: 2 }, "w"));
    t.type("x");
    vi.advanceTimersByTime(5000);
    expect(t.sent).toEqual([{ event: "js_yield", task_id: "w", data: { name: "p", value: "x" } }]);
  });

  it("pin_onchange sends each change to its callbacks until cleared", () => {
    const t = withPin({ type: "text", name: "p" });
    t.handle(command("pin_onchange", { name: "p", callback_id: "cb", clear: false }));
    t.type("x");
    t.handle(command("pin_onchange", { name: "p", callback_id: null, clear: true }));
    t.type("y");
    expect(t.sent).toEqual([{ event: "callback", task_id: "cb", data: "x" }]);
  });
});
