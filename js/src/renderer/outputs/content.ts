/**
 * The content family: text, markdown, html, code, table, messages, links, progress
 * bars, spinners, widgets. A spec is rendered from its own fields only (nested specs,
 * e.g. table cells, go back through `ctx.renderOutput`). Prism and mustache are loaded
 * on first use (`lazy.ts`).
 */
import DOMPurify from "dompurify";
import { Marked, type MarkedExtension } from "marked";
import type { OutputOf, OutputType } from "../../protocol.gen";
import type { RenderContext } from "../context";
import { h, isRecord, str } from "../dom";
import { activateHtml } from "../html_scripts";
import { loadPrism } from "./lazy";
import { renderProcessbar } from "./progress";
import { renderTable } from "./table";
import type { FamilyRenderers } from "./types";
import { renderWidget } from "./widget";

/** The output types this file renders; `CONTENT_RENDERERS` has exactly these keys. */
export const CONTENT_TYPES = [
  "text",
  "markdown",
  "html",
  "code",
  "table",
  "message",
  "link",
  "processbar",
  "loading",
  "widget",
] as const satisfies readonly OutputType[];

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

function renderHtml(spec: OutputOf<"html">, ctx: RenderContext): HTMLElement {
  const content = str(spec.content);
  const node = h("div", { class: "pywebio-html" });
  if (spec.sanitize) {
    node.innerHTML = DOMPurify.sanitize(content);
  } else {
    node.innerHTML = content;
    // Its scripts run in order once the node is in the page (charts: html_scripts.ts).
    void activateHtml(node, spec, ctx);
  }
  return node;
}

export function renderText(spec: Pick<OutputOf<"text">, "content" | "inline">): HTMLElement {
  // textContent only: text output is never parsed as HTML.
  const node = h(spec.inline ? "span" : "p", { class: "pywebio-text" });
  node.textContent = str(spec.content);
  return node;
}

/** Highlight a rendered code block once Prism is there (exported for tests, which await it). */
export async function highlightCode(code: HTMLElement, content: string, language: string): Promise<void> {
  const { highlight } = await loadPrism();
  const html = highlight(content, language);
  // Prism's output escapes every token's text; an unknown language stays plain text.
  if (html !== null) code.innerHTML = html;
}

function renderCode(spec: OutputOf<"code">, ctx: RenderContext): HTMLElement {
  const language = str(spec.language).toLowerCase();
  const content = str(spec.content);
  const code = h("code", { class: language ? `language-${language}` : null });
  code.textContent = content;
  const pre = h("pre", { class: language ? `pywebio-code language-${language}` : "pywebio-code" }, code);
  if (typeof spec.rows === "number" && spec.rows > 0) {
    pre.style.maxHeight = `calc(${spec.rows} * 1.5em + 1rem)`;
    pre.style.overflowY = "auto";
  }
  if (language) {
    highlightCode(code, content, language).catch((error: unknown) =>
      ctx.reportError("put_code: loading the highlighter failed", error),
    );
  }
  return pre;
}

function renderMessage(spec: OutputOf<"message">, ctx: RenderContext): HTMLElement {
  const color = ["info", "success", "warning", "danger"].includes(str(spec.color)) ? str(spec.color) : "info";
  const body = h("div", { class: "pywebio-message__body" });
  for (const child of spec.contents ?? []) body.append(ctx.renderOutput(child));
  const node = h("div", { class: `alert alert-${color} pywebio-message`, role: "alert" }, body);
  if (spec.closable) {
    node.classList.add("alert-dismissible");
    const close = h("button", { type: "button", class: "btn-close", "aria-label": "Close" });
    close.addEventListener("click", () => node.remove());
    node.append(close);
  }
  return node;
}

/** Schemes a link may not use: a link's URL is data, it must not run script. */
const UNSAFE_URL = /^\s*(javascript|vbscript|data):/i;

function renderLink(spec: OutputOf<"link">): HTMLElement {
  const url = str(spec.url);
  const link = h("a", { class: "pywebio-link" });
  link.textContent = str(spec.name);
  if (UNSAFE_URL.test(url)) console.error(`pywebio_nb: put_link: refused the URL ${JSON.stringify(url)}`);
  else link.href = url;
  if (spec.new_window) {
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  }
  return link;
}

function renderLoading(spec: OutputOf<"loading">): HTMLElement {
  const shape = spec.shape === "grow" ? "grow" : "border";
  const node = h(
    "div",
    { class: `spinner-${shape} pywebio-loading`, role: "status" },
    h("span", { class: "visually-hidden" }, "Loading..."),
  );
  // A Bootstrap theme colour name: the spinner draws with currentColor.
  const color = str(spec.color, "dark");
  if (/^[a-z]+$/.test(color)) node.style.color = `var(--bs-${color})`;
  return node;
}

export const CONTENT_RENDERERS: FamilyRenderers<typeof CONTENT_TYPES> = {
  text: renderText,
  markdown: renderMarkdown,
  html: renderHtml,
  code: renderCode,
  table: renderTable,
  message: renderMessage,
  link: renderLink,
  processbar: renderProcessbar,
  loading: renderLoading,
  widget: renderWidget,
};
