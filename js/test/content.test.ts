/**
 * The content family's renderers: messages, links, progress bars (and the
 * `set_processbar` command), spinners, code highlighting (Prism, loaded lazily),
 * widgets (mustache, loaded lazily) and tables with spans.
 */
import { describe, expect, it, vi } from "vitest";
import { highlightCode } from "../src/renderer/outputs/content";
import { loadMustache, loadPrism } from "../src/renderer/outputs/lazy";
import { command, harness, output } from "./helpers";

function render(...specs: Record<string, unknown>[]) {
  const t = harness();
  t.handle(...specs.map(output));
  return t;
}

describe("messages", () => {
  it("put_info/success/warning/error: an alert of the colour holding its contents", () => {
    const t = render({ type: "message", color: "danger", contents: [{ type: "text", content: "<b>x</b>" }] });
    const node = t.root().lastElementChild as HTMLElement;
    expect(node.className).toContain("alert-danger");
    expect(node.getAttribute("role")).toBe("alert");
    expect(node.querySelector(".pywebio-message__body p")?.textContent).toBe("<b>x</b>");
    expect(node.querySelector("b")).toBeNull();
    expect(node.querySelector(".btn-close")).toBeNull();
  });

  it("closable: a dismiss button removes the message", () => {
    const t = render({ type: "message", color: "info", contents: [], closable: true });
    const close = t.root().querySelector<HTMLButtonElement>(".pywebio-message .btn-close");
    expect(close).not.toBeNull();
    close?.click();
    expect(t.root().querySelector(".pywebio-message")).toBeNull();
  });

  it("context manager: the container scope is the body, later output lands inside", () => {
    const t = render({
      type: "message",
      color: "success",
      contents: [],
      container_selector: ".pywebio-message__body",
      container_dom_id: "pywebio-scope-m1",
    });
    t.handle({
      command: "output",
      task_id: null,
      spec: { type: "text", content: "inside", scope: "#pywebio-scope-m1", position: -1 },
    });
    expect(t.root().querySelector(".pywebio-message__body")?.textContent).toBe("inside");
  });
});

describe("links", () => {
  it("text is never HTML; new_window opens a new browsing context safely", () => {
    const t = render({ type: "link", name: "<i>x</i>", url: "https://example.org/", new_window: true });
    const a = t.root().querySelector("a") as HTMLAnchorElement;
    expect(a.textContent).toBe("<i>x</i>");
    expect(a.querySelector("i")).toBeNull();
    expect(a.href).toBe("https://example.org/");
    expect(a.target).toBe("_blank");
    expect(a.rel).toContain("noopener");
  });

  it("app links are relative; javascript: URLs are refused", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const t = render(
      { type: "link", name: "a", url: "?app=task_1" },
      { type: "link", name: "b", url: " JavaScript:alert(1)" },
    );
    const [app, bad] = Array.from(t.root().querySelectorAll("a"));
    expect(app?.getAttribute("href")).toBe("?app=task_1");
    expect(app?.target).toBe("");
    expect(bad?.hasAttribute("href")).toBe(false);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});

describe("progress bars", () => {
  const bar = (t: ReturnType<typeof harness>) => t.root().querySelector<HTMLElement>(".progress-bar");

  it("shows the percentage, or the label as text", () => {
    const t = render({ type: "processbar", name: "my bar", value: 0.25, label: null, auto_close: false });
    expect(bar(t)?.style.width).toBe("25%");
    expect(bar(t)?.textContent).toBe("25%");
    t.handle(command("set_processbar", { name: "my bar", value: 0.5, label: "<b>half</b>" }));
    expect(bar(t)?.style.width).toBe("50%");
    expect(bar(t)?.textContent).toBe("<b>half</b>");
    expect(t.root().querySelector("b")).toBeNull();
  });

  it("set_processbar finds names with spaces and quotes; others are left alone", () => {
    const t = render({ type: "processbar", name: 'a "b" c', value: 0 }, { type: "processbar", name: "a", value: 0 });
    t.handle(command("set_processbar", { name: 'a "b" c', value: 1, label: null }));
    const bars = Array.from(t.root().querySelectorAll<HTMLElement>(".progress-bar"));
    expect(bars.map((b) => b.style.width)).toEqual(["100%", "0%"]);
  });

  it("auto_close removes the bar once complete", () => {
    const t = render({ type: "processbar", name: "x", value: 0, auto_close: true });
    t.handle(command("set_processbar", { name: "x", value: 0.99 }));
    expect(t.root().querySelector(".pywebio-processbar")).not.toBeNull();
    t.handle(command("set_processbar", { name: "x", value: 1 }));
    expect(t.root().querySelector(".pywebio-processbar")).toBeNull();
  });

  it("an unknown bar is a console warning, not an error box", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const t = render();
    t.handle(command("set_processbar", { name: "nope", value: 0.5 }));
    expect(warn).toHaveBeenCalled();
    expect(t.root().querySelector(".pywebio-error")).toBeNull();
    warn.mockRestore();
  });
});

describe("loading", () => {
  it("a Bootstrap spinner of the shape and colour", () => {
    const t = render({ type: "loading", shape: "grow", color: "primary" });
    const node = t.root().lastElementChild as HTMLElement;
    expect(node.className).toContain("spinner-grow");
    expect(node.style.color).toBe("var(--bs-primary)");
    expect(node.getAttribute("role")).toBe("status");
  });
});

describe("code", () => {
  it("highlights known languages with Prism; the text stays the same", async () => {
    const t = render({ type: "code", content: "def f(x):\n    return '<x>'", language: "python" });
    const code = t.root().querySelector("code") as HTMLElement;
    expect(code.textContent).toBe("def f(x):\n    return '<x>'");
    await loadPrism();
    await highlightCode(code, code.textContent ?? "", "python");
    expect(code.querySelector(".token.keyword")?.textContent).toBe("def");
    expect(code.querySelector("x")).toBeNull();
    expect(code.textContent).toBe("def f(x):\n    return '<x>'");
  });

  it("an unknown language stays plain text; rows limit the height", async () => {
    const t = render({ type: "code", content: "a\nb", language: "nolang", rows: 3 });
    const pre = t.root().querySelector("pre") as HTMLElement;
    await highlightCode(pre.querySelector("code") as HTMLElement, "a\nb", "nolang");
    expect(pre.querySelector(".token")).toBeNull();
    expect(pre.style.maxHeight).toBe("calc(4.5em + 1rem)"); // 3 rows of 1.5em
    expect(pre.style.overflowY).toBe("auto");
  });
});

describe("widget", () => {
  it("renders the mustache template; pywebio_output_parse renders strings as text and specs as outputs", async () => {
    const template =
      "<details {{#open}}open{{/open}}><summary>{{title}}</summary>{{#contents}}{{& pywebio_output_parse}}{{/contents}}</details>";
    const t = render({
      type: "widget",
      template,
      data: {
        open: true,
        title: "<b>More</b>",
        contents: [
          "<i>text</i>",
          { type: "markdown", content: "~~s~~", sanitize: true },
          { type: "table", data: [["A"], ["1"]] },
        ],
      },
    });
    await loadMustache();
    await vi.waitFor(() => expect(t.root().querySelector("details")).not.toBeNull());
    const details = t.root().querySelector("details") as HTMLElement;
    expect(details.hasAttribute("open")).toBe(true);
    expect(details.querySelector("summary")?.textContent).toBe("<b>More</b>");
    expect(details.querySelector("i")).toBeNull();
    expect(details.textContent).toContain("<i>text</i>");
    expect(details.querySelector(".pywebio-markdown del")).not.toBeNull();
    expect(details.querySelector("table th")?.textContent).toBe("A");
  });
});

describe("table", () => {
  it("span: rowspan/colspan by 'row,col'; cells are text; an empty body keeps the header", () => {
    const t = render({
      type: "table",
      data: [[{ type: "text", content: "Name" }, "<hr/>"], ["C"]],
      span: { "0,0": { row: 2, col: 1 }, "0,1": { row: 1, col: 2 } },
    });
    const ths = t.root().querySelectorAll("th");
    expect(ths[0]?.rowSpan).toBe(2);
    expect(ths[1]?.colSpan).toBe(2);
    expect(ths[1]?.textContent).toBe("<hr/>");
    expect(t.root().querySelector("hr")).toBeNull();
    const header = render({ type: "table", data: [["A", "B"]] });
    expect(header.root().querySelectorAll("th").length).toBe(2);
    expect(header.root().querySelector("tbody")).toBeNull();
  });
});
