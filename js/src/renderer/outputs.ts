/**
 * Output widgets: one render function per `output` spec type, in a table keyed by the
 * generated `OutputType` (a type without a renderer is a compile error).
 *
 * Each function builds a detached element from its spec, narrowed by its `type` tag;
 * `renderOutputWith` then applies the fields common to every type (style, click
 * callback, container id). Nested specs (scope contents, table cells, popup content,
 * ...) go back through `ctx.renderOutput`. Specs come off the wire: the tag picks the
 * renderer, and the renderers still read their fields defensively (`str`, `??`).
 */
import DOMPurify from "dompurify";
import { Marked, type MarkedExtension } from "marked";
import { OUTPUT_TYPES, type OutputOf, type OutputSpec, type OutputType } from "../protocol.gen";
import type { RenderContext } from "./context";
import { appendStyle, base64ToBytes, buttonClass, h, isRecord, isSpec, saveBytes, str } from "./dom";
import { renderTable } from "./table";

/** The renderer of output type `T`. */
export type OutputRenderer<T extends OutputType> = (spec: OutputOf<T>, ctx: RenderContext) => HTMLElement;

/** One renderer per output type. */
export type OutputRenderers = { readonly [T in OutputType]: OutputRenderer<T> };

const defaultMarked = new Marked();

/** The marked options a Python caller may pass (`put_markdown(options=...)`); data only. */
function markedOptions(options: unknown): MarkedExtension | null {
  if (!isRecord(options)) return null;
  const picked: MarkedExtension = {};
  for (const key of ["gfm", "breaks", "pedantic", "silent"] as const) {
    if (typeof options[key] === "boolean") picked[key] = options[key];
  }
  return Object.keys(picked).length ? picked : null;
}

function renderMarkdown(spec: OutputOf<"markdown">): HTMLElement {
  const options = markedOptions(spec.options);
  const parser = options ? new Marked(options) : defaultMarked;
  let html = parser.parse(str(spec.content), { async: false });
  if (spec.sanitize) html = DOMPurify.sanitize(html);
  const node = h("div", { class: "pywebio-markdown" });
  node.innerHTML = html;
  return node;
}

/** Replace each <script> by a fresh copy so the browser runs it once connected. */
function activateScripts(node: HTMLElement): void {
  for (const old of Array.from(node.querySelectorAll("script"))) {
    const fresh = document.createElement("script");
    for (const attr of Array.from(old.attributes)) fresh.setAttribute(attr.name, attr.value);
    fresh.text = old.text;
    old.replaceWith(fresh);
  }
}

function renderHtml(spec: OutputOf<"html">): HTMLElement {
  const content = str(spec.content);
  const node = h("div", { class: "pywebio-html" });
  if (spec.sanitize) {
    node.innerHTML = DOMPurify.sanitize(content);
  } else {
    node.innerHTML = content;
    activateScripts(node);
  }
  return node;
}

function renderText(spec: Pick<OutputOf<"text">, "content" | "inline">): HTMLElement {
  // textContent only: text output is never parsed as HTML.
  const node = h(spec.inline ? "span" : "p", { class: "pywebio-text" });
  node.textContent = str(spec.content);
  return node;
}

function renderCode(spec: OutputOf<"code">): HTMLElement {
  const language = str(spec.language);
  const code = h("code", { class: language ? `language-${language}` : null });
  code.textContent = str(spec.content);
  return h("pre", { class: "pywebio-code" }, code);
}

function renderButtons(spec: OutputOf<"buttons">, ctx: RenderContext): HTMLElement {
  const node = h("div", { class: spec.group ? "pywebio-buttons btn-group" : "pywebio-buttons", role: "group" });
  const callbackId = str(spec.callback_id);
  for (const button of spec.buttons ?? []) {
    const color = str(button.color, "primary");
    const el = h("button", {
      type: "button",
      class: buttonClass(color, { outline: spec.outline, link: spec.link, small: spec.small }),
      disabled: button.disabled === true,
    });
    el.textContent = str(button.label);
    const value = button.value ?? null;
    el.addEventListener("click", () => ctx.send({ event: "callback", task_id: callbackId, data: value }));
    node.append(el);
  }
  return node;
}

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
  if (spec.min_height) node.style.minHeight = `${spec.min_height}px`;
  if (spec.max_height) node.style.maxHeight = `${spec.max_height}px`;
  renderContents(spec, ctx, node);
  if (spec.keep_bottom) {
    // Stay scrolled to the bottom while content is appended, unless the user scrolled up.
    let pinned = true;
    node.addEventListener("scroll", () => {
      pinned = node.scrollHeight - node.scrollTop - node.clientHeight < 8;
    });
    new MutationObserver(() => {
      if (pinned) node.scrollTop = node.scrollHeight;
    }).observe(node, { childList: true, subtree: true });
  }
  return node;
}

function layout(className: string): (spec: OutputOf<"row" | "column" | "grid">, ctx: RenderContext) => HTMLElement {
  return (spec, ctx) => renderContents(spec, ctx, h("div", { class: className }));
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

function renderFile(spec: OutputOf<"file">): HTMLElement {
  const name = str(spec.name, "download");
  const label = str(spec.label, name);
  const button = h("button", { type: "button", class: "btn btn-link pywebio-file__link" }, label);
  button.addEventListener("click", () => saveBytes(name, base64ToBytes(str(spec.content))));
  return h("div", { class: "pywebio-file" }, button);
}

/** Every output type but `pin`, whose renderer belongs to the renderer's `Pins`. */
export const OUTPUT_RENDERERS: Omit<OutputRenderers, "pin"> = {
  text: renderText,
  markdown: renderMarkdown,
  html: renderHtml,
  code: renderCode,
  buttons: renderButtons,
  scope: renderScope,
  table: renderTable,
  scrollable: renderScrollable,
  row: layout("pywebio-row"),
  column: layout("pywebio-column"),
  grid: layout("pywebio-grid"),
  tabs: renderTabs,
  file: renderFile,
};

function isOutputType(type: unknown): type is OutputType {
  return OUTPUT_TYPES.some((known) => known === type);
}

/** Call the renderer of `type` (generic so that the table entry and the spec correlate). */
function renderTagged<T extends OutputType>(
  renderers: OutputRenderers,
  type: T,
  spec: OutputOf<T>,
  ctx: RenderContext,
): HTMLElement {
  const render: OutputRenderer<T> = renderers[type];
  return render(spec, ctx);
}

/**
 * Render `spec` with `renderers`, then apply the fields common to every type.
 * An unknown type is an error box in place of the widget, never silence.
 */
export function renderOutputWith(renderers: OutputRenderers, spec: OutputSpec, ctx: RenderContext): HTMLElement {
  const tag: unknown = spec.type; // off the wire: any tag may come
  if (!isOutputType(tag)) {
    const message = `pywebio_nb: unknown output type ${JSON.stringify(tag)}; expected one of ${OUTPUT_TYPES.join(", ")}`;
    console.error(message, spec);
    return h("div", { class: "pywebio-error" }, message);
  }
  const type = spec.type;
  const node = renderTagged(renderers, type, spec, ctx);
  appendStyle(node, spec.style);
  const callbackId = spec.click_callback_id;
  if (callbackId) {
    node.classList.add("pywebio-clickable");
    node.addEventListener("click", () => ctx.send({ event: "callback", task_id: callbackId, data: null }));
  }
  if (spec.container_dom_id) {
    const slot = spec.container_selector ? node.querySelector(spec.container_selector) : node;
    if (slot) slot.id = spec.container_dom_id;
    else ctx.reportError(`output ${type}: container_selector ${spec.container_selector} matches nothing`);
  }
  return node;
}
