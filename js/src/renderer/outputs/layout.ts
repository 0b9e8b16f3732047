/**
 * The layout family: scope, scrollable, row / column / grid, collapse, tabs. Their
 * children are nested specs rendered through `ctx.renderOutput`; sizes are applied as
 * style properties and titles as text, so nothing here parses HTML.
 */
import type { OutputOf, OutputSpec, OutputType } from "../../protocol.gen";
import type { RenderContext } from "../context";
import { h, isSpec, str } from "../dom";
import { renderText } from "./content";
import type { FamilyRenderers } from "./types";

/** The output types this file renders; `LAYOUT_RENDERERS` has exactly these keys. */
export const LAYOUT_TYPES = [
  "scope",
  "scrollable",
  "row",
  "column",
  "grid",
  "collapse",
  "tabs",
] as const satisfies readonly OutputType[];

function renderContents(spec: { contents?: OutputSpec[] }, ctx: RenderContext, node: HTMLElement): HTMLElement {
  for (const child of spec.contents ?? []) node.append(ctx.renderOutput(child));
  return node;
}

function renderScope(spec: OutputOf<"scope">, ctx: RenderContext): HTMLElement {
  return renderContents(spec, ctx, h("div", { id: spec.dom_id, class: "pywebio-scope" }));
}

function renderScrollable(spec: OutputOf<"scrollable">, ctx: RenderContext): HTMLElement {
  const node = h("div", {
    class: spec.border === false ? "pywebio-scrollable" : "pywebio-scrollable pywebio-scrollable--border",
  });
  if (typeof spec.min_height === "number") node.style.minHeight = `${spec.min_height}px`;
  if (typeof spec.max_height === "number") node.style.maxHeight = `${spec.max_height}px`;
  renderContents(spec, ctx, node);
  if (spec.keep_bottom) {
    // Stay scrolled to the bottom while content is appended, unless the user scrolled up.
    let pinned = true;
    const toBottom = (): void => {
      if (pinned) node.scrollTop = node.scrollHeight;
    };
    node.addEventListener("scroll", () => {
      pinned = node.scrollHeight - node.scrollTop - node.clientHeight < 8;
    });
    new MutationObserver(toBottom).observe(node, { childList: true, subtree: true });
    // The contents above were rendered into a detached node, which has no height yet, so
    // scrolling now would do nothing: scroll once the node is laid out (a ResizeObserver
    // reports its first size), and again when it resizes, e.g. a hidden notebook cell
    // shown again. Images change the height when they load, without a DOM mutation.
    if (typeof ResizeObserver === "function") new ResizeObserver(toBottom).observe(node);
    node.addEventListener("load", toBottom, true);
  }
  return node;
}

/** `put_row` / `put_column`: one grid line whose track sizes are `size` (a style value, never HTML). */
function renderLine(spec: OutputOf<"row" | "column">, ctx: RenderContext): HTMLElement {
  const node = h("div", { class: `pywebio-${spec.type}` });
  const size = str(spec.size);
  if (size) {
    if (spec.type === "row") node.style.gridTemplateColumns = size;
    else node.style.gridTemplateRows = size;
  }
  return renderContents(spec, ctx, node);
}

function renderGrid(spec: OutputOf<"grid">, ctx: RenderContext): HTMLElement {
  const node = h("div", { class: "pywebio-grid" });
  node.style.gridTemplateColumns = str(spec.cell_widths);
  node.style.gridTemplateRows = str(spec.cell_heights);
  node.style.gridAutoFlow = spec.direction === "column" ? "column" : "row";
  return renderContents(spec, ctx, node);
}

function renderCollapse(spec: OutputOf<"collapse">, ctx: RenderContext): HTMLElement {
  const summary = h("summary", { class: "pywebio-collapse__title" });
  summary.textContent = str(spec.title); // a title is text, never HTML
  const body = renderContents(spec, ctx, h("div", { class: "pywebio-collapse__body" }));
  const node = h("details", { class: "pywebio-collapse" }, summary, body);
  node.open = spec.open === true;
  return node;
}

function renderTabs(spec: OutputOf<"tabs">, ctx: RenderContext): HTMLElement {
  const bar = h("div", { class: "pywebio-tabs__bar", role: "tablist" });
  const node = h("div", { class: "pywebio-tabs" }, bar);
  const tabs = (spec.tabs ?? []).map((tab) => {
    const button = h("button", { type: "button", class: "pywebio-tabs__tab", role: "tab" }, str(tab.title));
    const panel = h("div", { class: "pywebio-tabs__panel", role: "tabpanel" });
    const content = tab.content;
    for (const child of Array.isArray(content) ? content : [content]) {
      if (isSpec(child)) panel.append(ctx.renderOutput(child));
      else if (child !== undefined && child !== null) panel.append(renderText({ content: str(child) }));
    }
    bar.append(button);
    node.append(panel);
    return { button, panel };
  });
  const select = (index: number): void =>
    tabs.forEach((tab, i) => {
      tab.button.setAttribute("aria-selected", String(i === index));
      tab.panel.hidden = i !== index;
    });
  tabs.forEach((tab, i) => {
    tab.button.addEventListener("click", () => select(i));
  });
  select(0);
  return node;
}

export const LAYOUT_RENDERERS: FamilyRenderers<typeof LAYOUT_TYPES> = {
  scope: renderScope,
  scrollable: renderScrollable,
  row: renderLine,
  column: renderLine,
  grid: renderGrid,
  collapse: renderCollapse,
  tabs: renderTabs,
};
