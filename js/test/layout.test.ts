/** The layout + interaction family: row/column/grid, collapse, tabs, scrollable, popup, toast. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { command, harness, output } from "./helpers";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const text = (content: string): Record<string, unknown> => ({ type: "text", content, inline: false });
const gap = { type: "html", content: "", sanitize: false };

describe("row / column / grid", () => {
  it("a row lays its items out with `size` as the grid columns", () => {
    const t = harness();
    t.handle(output({ type: "row", contents: [text("A"), gap, text("B")], size: "40% 10px 60%" }));
    const row = t.root().firstElementChild as HTMLElement;
    expect(row.className).toBe("pywebio-row");
    expect(row.style.gridTemplateColumns).toBe("40% 10px 60%");
    expect(Array.from(row.children, (c) => c.textContent)).toEqual(["A", "", "B"]);
  });

  it("a column sets the grid rows; minmax() sizes pass through", () => {
    const t = harness();
    t.handle(output({ type: "column", contents: [text("A"), text("B")], size: "minmax(100px, 1fr) auto" }));
    const column = t.root().firstElementChild as HTMLElement;
    expect(column.style.gridTemplateRows).toBe("minmax(100px, 1fr) auto");
    expect(column.style.gridTemplateColumns).toBe("");
  });

  it("a size is a style value, never markup", () => {
    const t = harness();
    t.handle(output({ type: "row", contents: [text("A")], size: '1fr"><img src=x onerror=alert(1)>' }));
    expect(t.root().querySelector("img")).toBeNull();
  });

  it("a grid sets its tracks and flow; span styles reach the cells", () => {
    const t = harness();
    t.handle(
      output({
        type: "grid",
        contents: [text("A"), { ...text("D"), style: ";grid-row-start: span 1; grid-column-start: span 2" }],
        cell_widths: "repeat(3, 100px)",
        cell_heights: "repeat(2, 100px)",
        direction: "column",
      }),
    );
    const grid = t.root().firstElementChild as HTMLElement;
    expect(grid.style.gridTemplateColumns).toBe("repeat(3, 100px)");
    expect(grid.style.gridTemplateRows).toBe("repeat(2, 100px)");
    expect(grid.style.gridAutoFlow).toBe("column");
    expect((grid.children[1] as HTMLElement).style.gridColumnStart).toBe("span 2");
  });

  it("with put_row(): output into the container scope lands in the row", () => {
    const t = harness();
    t.handle(
      output({ type: "row", contents: [], size: "", container_dom_id: "pywebio-scope-r" }),
      command("output", { ...text("x"), scope: "#pywebio-scope-r", position: -1 }),
    );
    const row = t.renderer.root.getElementById("pywebio-scope-r");
    expect(row?.className).toBe("pywebio-row");
    expect(row?.textContent).toBe("x");
  });
});

describe("collapse", () => {
  it("shows a <details> whose summary is text; `open` opens it", () => {
    const t = harness();
    t.handle(
      output({ type: "collapse", title: "<b>T</b>", contents: [text("body")], open: true }),
      output({ type: "collapse", title: "closed", contents: [] }),
    );
    const [first, second] = Array.from(t.root().querySelectorAll("details"));
    expect(first?.querySelector("summary")?.textContent).toBe("<b>T</b>");
    expect(first?.querySelector("b")).toBeNull();
    expect(first?.open).toBe(true);
    expect(second?.open).toBe(false);
    expect(first?.querySelector(".pywebio-collapse__body")?.textContent).toBe("body");
  });

  it("as a context manager its body is the scope", () => {
    const t = harness();
    t.handle(
      output({
        type: "collapse",
        title: "t",
        contents: [text("a")],
        container_dom_id: "pywebio-scope-c",
        container_selector: ".pywebio-collapse__body",
      }),
      command("output", { ...text("b"), scope: "#pywebio-scope-c", position: -1 }),
    );
    const body = t.renderer.root.getElementById("pywebio-scope-c");
    expect(body?.className).toBe("pywebio-collapse__body");
    expect(body?.textContent).toBe("ab");
  });
});

describe("tabs", () => {
  it("titles are text; the first tab shows; a click switches", () => {
    const t = harness();
    t.handle(
      output({
        type: "tabs",
        tabs: [
          { title: "<i>One</i>", content: [text("1")] },
          { title: "Two", content: [text("2"), text("2b")] },
        ],
      }),
    );
    const buttons = Array.from(t.root().querySelectorAll<HTMLButtonElement>(".pywebio-tabs__tab"));
    const panels = Array.from(t.root().querySelectorAll<HTMLElement>(".pywebio-tabs__panel"));
    expect(buttons.map((b) => b.textContent)).toEqual(["<i>One</i>", "Two"]);
    expect(t.root().querySelector("i")).toBeNull();
    expect(panels.map((p) => p.hidden)).toEqual([false, true]);
    buttons[1]?.click();
    expect(panels.map((p) => p.hidden)).toEqual([true, false]);
    expect(buttons[1]?.getAttribute("aria-selected")).toBe("true");
  });

  it("a button inside a tab sends its callback", () => {
    const t = harness();
    t.handle(
      output({
        type: "tabs",
        tabs: [{ title: "t", content: [{ type: "buttons", callback_id: "cb", buttons: [{ label: "go", value: 0 }] }] }],
      }),
    );
    t.root().querySelector<HTMLButtonElement>(".pywebio-tabs__panel button")?.click();
    expect(t.sent).toEqual([{ event: "callback", task_id: "cb", data: 0 }]);
  });
});

describe("scrollable", () => {
  it("min/max height bounds; none when absent; border optional", () => {
    const t = harness();
    t.handle(
      output({ type: "scrollable", contents: [text("a")], min_height: 100, max_height: 200, border: true }),
      output({ type: "scrollable", contents: [text("b")], border: false }),
    );
    const [bounded, free] = Array.from(t.root().children) as HTMLElement[];
    expect([bounded?.style.minHeight, bounded?.style.maxHeight]).toEqual(["100px", "200px"]);
    expect(bounded?.classList.contains("pywebio-scrollable--border")).toBe(true);
    expect([free?.style.minHeight, free?.style.maxHeight]).toEqual(["", ""]);
    expect(free?.classList.contains("pywebio-scrollable--border")).toBe(false);
  });

  /** A fake layout for a scrollable: jsdom computes no heights and ignores scrollTop. */
  const fakeLayout = (node: HTMLElement, scrollHeight: number, clientHeight: number): { height: number } => {
    const layout = { height: scrollHeight };
    let top = 0;
    Object.defineProperty(node, "scrollHeight", { get: () => layout.height });
    Object.defineProperty(node, "clientHeight", { get: () => clientHeight });
    Object.defineProperty(node, "scrollTop", {
      get: () => top,
      set: (value: number) => {
        top = Math.max(0, Math.min(value, layout.height - clientHeight));
      },
    });
    return layout;
  };

  it("keep_bottom shows the bottom of its contents once laid out, not the top", () => {
    const resized: Array<() => void> = [];
    vi.stubGlobal(
      "ResizeObserver",
      class {
        constructor(callback: () => void) {
          resized.push(callback);
        }
        observe(): void {}
      },
    );
    try {
      const t = harness();
      t.handle(output({ type: "scrollable", contents: [text("a"), text("b")], max_height: 200, keep_bottom: true }));
      const node = t.root().firstElementChild as HTMLElement;
      fakeLayout(node, 500, 200);
      // The browser lays the attached node out and reports its first size.
      for (const callback of resized) callback();
      expect(node.scrollTop).toBe(300);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("keep_bottom follows appended content until the user scrolls up", async () => {
    const t = harness();
    t.handle(output({ type: "scrollable", contents: [text("a")], max_height: 200, keep_bottom: true }));
    const node = t.root().firstElementChild as HTMLElement;
    const layout = fakeLayout(node, 500, 200);
    layout.height = 600;
    node.append(document.createElement("p"));
    await Promise.resolve();
    expect(node.scrollTop).toBe(400);
    node.scrollTop = 100;
    node.dispatchEvent(new Event("scroll"));
    layout.height = 700;
    node.append(document.createElement("p"));
    await Promise.resolve();
    expect(node.scrollTop).toBe(100);
  });
});

describe("popup", () => {
  const popupSpec = (extra: Record<string, unknown> = {}): unknown =>
    command("popup", { title: "T", content: [text("x")], dom_id: "pywebio-scope-p", ...extra });

  it("the title is text, never HTML", () => {
    const t = harness();
    t.handle(popupSpec({ title: "<img src=x onerror=alert(1)>" }));
    expect(t.renderer.root.querySelector(".pywebio-popup__title")?.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(t.renderer.root.querySelector(".pywebio-popup img")).toBeNull();
  });

  it("implicit_close: a click on the backdrop or Esc closes it", () => {
    const t = harness();
    t.handle(popupSpec({ implicit_close: true }));
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(t.renderer.root.querySelector(".pywebio-popup")).toBeNull();
    t.handle(popupSpec({ implicit_close: true }));
    t.renderer.root.querySelector<HTMLElement>(".pywebio-popup-backdrop")?.click();
    expect(t.renderer.root.querySelector(".pywebio-popup")).toBeNull();
  });

  it("without implicit_close only the close button closes it", () => {
    const t = harness();
    t.handle(popupSpec({ implicit_close: false }));
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    t.renderer.root.querySelector<HTMLElement>(".pywebio-popup-backdrop")?.click();
    expect(t.renderer.root.querySelector(".pywebio-popup")).not.toBeNull();
    t.renderer.root.querySelector<HTMLButtonElement>(".btn-close")?.click();
    expect(t.renderer.root.querySelector(".pywebio-popup")).toBeNull();
  });

  it("closable=false: no close button, implicit_close ignored", () => {
    const t = harness();
    t.handle(popupSpec({ closable: false, implicit_close: true }));
    expect(t.renderer.root.querySelector(".btn-close")).toBeNull();
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    t.renderer.root.querySelector<HTMLElement>(".pywebio-popup-backdrop")?.click();
    expect(t.renderer.root.querySelector(".pywebio-popup")).not.toBeNull();
    t.handle(command("close_popup", null));
    expect(t.renderer.root.querySelector(".pywebio-popup")).toBeNull();
  });

  it("is drawn inside the renderer's shadow root, not in the document", () => {
    const t = harness();
    t.handle(popupSpec());
    expect(document.querySelector(".pywebio-popup")).toBeNull();
    expect(t.renderer.root.querySelector(".pywebio-popup-backdrop")?.parentElement).toBe(t.renderer.container);
  });

  it("a button in the popup sends its callback", () => {
    const t = harness();
    t.handle(popupSpec({ content: [{ type: "buttons", callback_id: "pb", buttons: [{ label: "ok", value: 1 }] }] }));
    t.renderer.root.querySelector<HTMLButtonElement>(".pywebio-popup button.btn-primary")?.click();
    expect(t.sent).toEqual([{ event: "callback", task_id: "pb", data: 1 }]);
  });
});

describe("toast", () => {
  it("duration is in milliseconds, as PyWebIO sends it", () => {
    vi.useFakeTimers();
    const t = harness();
    t.handle(command("toast", { content: "hi", duration: 1500, position: "right", color: "#2188ff" }));
    const toast = t.renderer.root.querySelector(".pywebio-toasts--right .pywebio-toast");
    const shown = (): boolean => t.renderer.root.contains(toast ?? null);
    expect(shown()).toBe(true);
    vi.advanceTimersByTime(1400);
    expect(shown()).toBe(true);
    vi.advanceTimersByTime(200);
    expect(shown()).toBe(false);
  });

  it("defaults to the centre; content is text; 0 keeps it with a close button", () => {
    vi.useFakeTimers();
    const t = harness();
    t.handle(command("toast", { content: "<b>x</b>", duration: 0 }));
    const toast = t.renderer.root.querySelector(".pywebio-toasts--center .pywebio-toast");
    expect(toast?.querySelector("b")).toBeNull();
    expect(toast?.textContent).toContain("<b>x</b>");
    const shown = (): boolean => t.renderer.root.contains(toast ?? null);
    vi.advanceTimersByTime(60_000);
    expect(shown()).toBe(true);
    toast?.querySelector<HTMLButtonElement>(".pywebio-toast__close")?.click();
    expect(shown()).toBe(false);
  });
});
