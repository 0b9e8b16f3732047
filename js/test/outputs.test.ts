/**
 * Output types and the fields common to every output (`style`, `click_callback_id`,
 * `container_dom_id` / `container_selector`). Types the Python package does not send
 * yet (tabs, scrollable, row/column/grid, file) are PyWebIO protocol: tested here so
 * they work the day an issue wires them.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { harness, output } from "./helpers";

const text = (content: string) => ({ type: "text", content });

afterEach(() => {
  vi.restoreAllMocks();
});

/** Render one spec into a fresh page; the new output element. */
function one(spec: Record<string, unknown>) {
  const t = harness();
  t.handle(output(spec));
  const node = t.root().lastElementChild as HTMLElement | null;
  if (!node) throw new Error("nothing rendered");
  return { node, sent: t.sent };
}

describe("output types", () => {
  it("text: a paragraph, or a span when inline", () => {
    expect(one({ type: "text", content: "a" }).node.tagName).toBe("P");
    expect(one({ type: "text", content: "a", inline: true }).node.tagName).toBe("SPAN");
  });

  it("markdown: parsed with marked, options passed as data", () => {
    const { node } = one({ type: "markdown", content: "a\nb", options: { breaks: true }, sanitize: true });
    expect(node.querySelector("br")).not.toBeNull();
  });

  it("code: text in pre/code with the language class", () => {
    const { node } = one({ type: "code", content: "<x>", language: "python" });
    const code = node.querySelector("code");
    expect(code?.className).toBe("language-python");
    expect(code?.textContent).toBe("<x>");
  });

  it("table: header row, cells as text or nested output, spans", () => {
    const { node } = one({
      type: "table",
      data: [["A", "B"], ["1", { type: "text", content: "nested", inline: true }], ["wide"]],
      span: { "2,0": { col: 2 } },
    });
    expect(Array.from(node.querySelectorAll("th"), (th) => th.textContent)).toEqual(["A", "B"]);
    expect(node.querySelector("tbody tr td span.pywebio-text")?.textContent).toBe("nested");
    expect(node.querySelectorAll("tbody td")[2]?.getAttribute("colspan")).toBe("2");
  });

  it("buttons: a click sends the button's value to the callback", () => {
    const { node, sent } = one({
      type: "buttons",
      callback_id: "cb1",
      buttons: [
        { label: "A", value: 1 },
        { label: "B", value: { x: 2 }, color: "danger", disabled: true },
      ],
      small: true,
    });
    const [a, b] = Array.from(node.querySelectorAll("button"));
    expect(b?.className).toBe("btn btn-danger btn-sm");
    expect(b?.disabled).toBe(true);
    a?.click();
    expect(sent).toEqual([{ event: "callback", task_id: "cb1", data: 1 }]);
  });

  it("scope: a scope element holding its contents", () => {
    const { node } = one({ type: "scope", dom_id: "pywebio-scope-s", contents: [text("in")] });
    expect(node.id).toBe("pywebio-scope-s");
    expect(node.textContent).toBe("in");
  });

  it("scrollable: contents in a box with the given heights and border", () => {
    const { node } = one({ type: "scrollable", contents: [text("a"), text("b")], max_height: 120, border: false });
    expect(node.className).toBe("pywebio-scrollable");
    expect(node.style.maxHeight).toBe("120px");
    expect(node.textContent).toBe("ab");
    expect(one({ type: "scrollable", contents: [] }).node.classList.contains("pywebio-scrollable--border")).toBe(true);
  });

  it.each(["row", "column", "grid"])("%s: contents in a layout container", (type) => {
    const { node } = one({ type, contents: [text("a"), text("b")] });
    expect(node.className).toBe(`pywebio-${type}`);
    expect(Array.from(node.children, (child) => child.textContent)).toEqual(["a", "b"]);
  });

  it("tabs: the first tab shows; a click switches", () => {
    const { node } = one({
      type: "tabs",
      tabs: [
        { title: "One", content: "plain <b>text</b>" },
        { title: "Two", content: [text("x"), text("y")] },
      ],
    });
    const buttons = Array.from(node.querySelectorAll("button"));
    const panels = Array.from(node.querySelectorAll<HTMLElement>(".pywebio-tabs__panel"));
    expect(buttons.map((b) => b.textContent)).toEqual(["One", "Two"]);
    expect(panels.map((p) => p.hidden)).toEqual([false, true]);
    expect(panels[0]?.textContent).toBe("plain <b>text</b>");
    buttons[1]?.click();
    expect(panels.map((p) => p.hidden)).toEqual([true, false]);
    expect(buttons[1]?.getAttribute("aria-selected")).toBe("true");
    expect(panels[1]?.textContent).toBe("xy");
  });

  // file (bytes as a blob, no longer base64 in the spec): see media.test.ts.

  it("an unknown type is a visible error, not silence", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { node } = one({ type: "nope" });
    expect(node.className).toBe("pywebio-error");
    expect(node.textContent).toContain('unknown output type "nope"');
    expect(errors).toHaveBeenCalled();
  });
});

describe("fields common to every output", () => {
  it("style is appended to the element's inline style", () => {
    expect(one({ type: "text", content: "a", style: "color: red" }).node.style.color).toBe("red");
  });

  it("click_callback_id makes the output clickable", () => {
    const { node, sent } = one({ type: "text", content: "a", click_callback_id: "cb" });
    node.click();
    expect(sent).toEqual([{ event: "callback", task_id: "cb", data: null }]);
  });

  it("container_dom_id names the output, or its slot picked by container_selector", () => {
    const t = harness();
    t.handle(
      output({ type: "scrollable", contents: [], container_dom_id: "pywebio-scope-box" }),
      output({ type: "text", content: "in box", scope: "#pywebio-scope-box" }),
      output({
        type: "tabs",
        tabs: [{ title: "T", content: [] }],
        container_selector: ".pywebio-tabs__panel",
        container_dom_id: "pywebio-scope-tab",
      }),
      output({ type: "text", content: "in tab", scope: "#pywebio-scope-tab" }),
    );
    expect(t.renderer.root.getElementById("pywebio-scope-box")?.textContent).toBe("in box");
    const tab = t.renderer.root.getElementById("pywebio-scope-tab");
    expect(tab?.className).toBe("pywebio-tabs__panel");
    expect(tab?.textContent).toBe("in tab");
  });

  it("a container_selector that matches nothing is reported", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    one({ type: "text", content: "a", container_selector: ".missing", container_dom_id: "x" });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("container_selector .missing"), "");
  });
});
