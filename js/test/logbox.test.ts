/**
 * The `logbox` command (battery's logbox_append / logbox_clear): text nodes appended to
 * the box found by name, text never parsed as HTML, one scroll per frame for a burst.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { command, harness, output } from "./helpers";

/** What put_logbox outputs: a scope holding the box as HTML (see battery/_logbox.py). */
function logbox(name: string, keepBottom = true): unknown {
  const attr = name.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const bottom = keepBottom ? ' data-keep-bottom="1"' : "";
  return output({
    type: "scope",
    dom_id: `pywebio-scope-logbox-${name.length}`,
    contents: [
      {
        type: "html",
        content: `<pre class="pywebio-logbox" data-logbox="${attr}"${bottom} style="height:100px;overflow:auto" tabindex="0"></pre>`,
        sanitize: false,
      },
    ],
  });
}

function box(t: ReturnType<typeof harness>, index = 0): HTMLElement {
  const found = t.root().querySelectorAll<HTMLElement>("pre.pywebio-logbox")[index];
  if (!found) throw new Error("no logbox");
  return found;
}

afterEach(() => vi.useRealTimers());

describe("logbox", () => {
  it("appends text (never HTML) to the box of that name only", () => {
    const t = harness();
    t.handle(logbox('a "b" <c>'), logbox("other"));
    t.handle(
      command("logbox", { name: 'a "b" <c>', text: "<b>one</b>\n" }),
      command("logbox", { name: 'a "b" <c>', text: "two\n" }),
    );
    expect(box(t).textContent).toBe("<b>one</b>\ntwo\n");
    expect(box(t).querySelector("b")).toBeNull();
    expect(box(t, 1).textContent).toBe("");
  });

  it("clear empties the box before appending", () => {
    const t = harness();
    t.handle(logbox("log"), command("logbox", { name: "log", text: "old\n" }));
    t.handle(
      command("logbox", { name: "log", text: "", clear: true }),
      command("logbox", { name: "log", text: "new" }),
    );
    expect(box(t).textContent).toBe("new");
  });

  it("a burst of 2,000 appends in one batch: all the text, one scroll scheduled", () => {
    vi.useFakeTimers();
    const raf = vi.spyOn(globalThis, "requestAnimationFrame");
    const t = harness();
    t.handle(logbox("log"));
    const burst = Array.from({ length: 2_000 }, (_, i) => command("logbox", { name: "log", text: `${i}\n` }));
    t.handle(...burst);
    expect(box(t).childNodes.length).toBe(2_000);
    expect(box(t).textContent).toBe(Array.from({ length: 2_000 }, (_, i) => `${i}\n`).join(""));
    expect(raf).toHaveBeenCalledTimes(1);
    raf.mockRestore();
  });

  it("no scroll for keep_bottom=False or while the box has the focus", () => {
    const raf = vi.spyOn(globalThis, "requestAnimationFrame");
    const t = harness();
    t.handle(logbox("quiet", false), command("logbox", { name: "quiet", text: "x" }));
    expect(raf).not.toHaveBeenCalled();
    t.handle(logbox("focused"));
    const focused = box(t, 1);
    document.body.append(t.renderer.root.host);
    focused.focus();
    expect(t.renderer.root.activeElement).toBe(focused);
    t.handle(command("logbox", { name: "focused", text: "y" }));
    expect(raf).not.toHaveBeenCalled();
    t.renderer.root.host.remove();
    raf.mockRestore();
  });

  it("a box output again with the same name gets the later appends", () => {
    const t = harness();
    t.handle(logbox("log"), command("logbox", { name: "log", text: "first" }));
    t.handle(command("output_ctl", { clear: "#pywebio-scope-ROOT" }), logbox("log"));
    t.handle(command("logbox", { name: "log", text: "second" }));
    expect(box(t).textContent).toBe("second");
  });

  it("an unknown name is one console warning, not an error box", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const t = harness();
    t.handle(command("logbox", { name: "nope", text: "a" }), command("logbox", { name: "nope", text: "b" }));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(t.root().querySelector(".pywebio-error")).toBeNull();
    warn.mockRestore();
  });
});
