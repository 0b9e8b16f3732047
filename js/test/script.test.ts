/** run_script / eval_js (js_yield replies), download, set_env, close_session, unknown commands. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { command, harness } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Wait until the renderer has sent `count` events (eval replies go through a promise). */
async function sentAtLeast(sent: unknown[], count: number): Promise<void> {
  await vi.waitFor(() => expect(sent.length).toBeGreaterThanOrEqual(count));
}

describe("run_script", () => {
  it("runs code with args as local variables, without a reply", () => {
    const t = harness();
    const seen: unknown[] = [];
    (globalThis as Record<string, unknown>)["__seen"] = seen;
    t.handle(command("run_script", { code: "__seen.push(a + b)", args: { a: 1, b: 2 } }));
    expect(seen).toEqual([3]);
    expect(t.sent).toEqual([]);
  });

  it("eval answers js_yield with the value, awaiting a promise", async () => {
    const t = harness();
    t.handle(
      command("run_script", { code: "x * 2", args: { x: 21 }, eval: true }, "e1"),
      command("run_script", { code: "Promise.resolve({ok: true})", eval: true }, "e2"),
    );
    await sentAtLeast(t.sent, 2);
    expect(t.sent).toEqual([
      { event: "js_yield", task_id: "e1", data: 42 },
      { event: "js_yield", task_id: "e2", data: { ok: true } },
    ]);
  });

  it("eval answers null when the code throws or the value is not JSON", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const t = harness();
    t.handle(
      command("run_script", { code: "throw new Error('x')", eval: true }, "bad"),
      command("run_script", { code: "undefined", eval: true }, "undef"),
    );
    await sentAtLeast(t.sent, 2);
    expect(t.sent).toEqual([
      { event: "js_yield", task_id: "bad", data: null },
      { event: "js_yield", task_id: "undef", data: null },
    ]);
  });
});

describe("session commands", () => {
  it("close_session (the app ended) disables form buttons, shows no alarm and tells the page", () => {
    const t = harness();
    const closed = vi.fn();
    t.renderer.onSessionClosed = closed;
    t.handle(command("input_group", { inputs: [{ type: "text", name: "t" }] }, "task"), command("close_session", null));
    expect(closed).toHaveBeenCalledOnce();
    expect(t.renderer.root.querySelector(".pywebio-notice")).toBeNull();
    const buttons = Array.from(t.renderer.root.querySelectorAll<HTMLButtonElement>(".pywebio-forms button"));
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.every((b) => b.disabled)).toBe(true);
  });

  it("an unknown command is a visible error and the batch goes on", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const t = harness();
    t.handle(command("nope", {}), command("output", { type: "text", content: "after", scope: "#pywebio-scope-ROOT" }));
    expect(t.renderer.root.querySelector(".pywebio-error")?.textContent).toContain('unknown command "nope"');
    expect(t.root().textContent).toBe("after");
    expect(errors).toHaveBeenCalled();
  });
});
