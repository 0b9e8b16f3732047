/**
 * User content never runs as code: markdown / html with `sanitize` lose event handlers
 * and scripts (DOMPurify), and a text output is never parsed as HTML at all.
 */
import { describe, expect, it } from "vitest";
import { harness, output } from "./helpers";

const ATTACK = '<img src=x onerror="alert(1)"><script>alert(2)</script><b>kept</b>';

/** Render one output spec in a fresh page renderer; the output's element. */
function renderOne(spec: Record<string, unknown>): Element {
  const t = harness();
  t.handle(output(spec));
  const node = t.root().firstElementChild;
  if (!node) throw new Error("nothing rendered");
  return node;
}

function expectDefused(node: Element): void {
  expect(node.querySelector("script")).toBeNull();
  expect(node.querySelector("[onerror]")).toBeNull();
  expect(node.innerHTML).not.toContain("alert");
  // Sanitizing keeps the harmless markup.
  expect(node.querySelector("img")).not.toBeNull();
  expect(node.querySelector("b")?.textContent).toBe("kept");
}

describe("sanitizing", () => {
  it("markdown with sanitize drops handlers and scripts", () => {
    const node = renderOne({ type: "markdown", content: `# Title\n\n${ATTACK}`, options: {}, sanitize: true });
    expect(node.querySelector("h1")?.textContent).toBe("Title");
    expectDefused(node);
  });

  it("html with sanitize drops handlers and scripts", () => {
    expectDefused(renderOne({ type: "html", content: ATTACK, sanitize: true }));
  });

  it("a text output shows HTML as literal characters", () => {
    const node = renderOne({ type: "text", content: "<b>x</b><script>alert(1)</script>", inline: false });
    expect(node.textContent).toBe("<b>x</b><script>alert(1)</script>");
    expect(node.children.length).toBe(0);
  });

  it("a table cell string is text, not HTML", () => {
    const node = renderOne({ type: "table", data: [["head"], ["<b>x</b>"]] });
    expect(node.querySelector("td")?.textContent).toBe("<b>x</b>");
    expect(node.querySelector("b")).toBeNull();
  });
});
