/**
 * The content family: text, markdown, html, code, table. A spec is rendered from its
 * own fields only (nested specs, e.g. table cells, go back through `ctx.renderOutput`).
 */
import DOMPurify from "dompurify";
import { Marked, type MarkedExtension } from "marked";
import type { OutputOf, OutputType } from "../../protocol.gen";
import { h, isRecord, str } from "../dom";
import { renderTable } from "./table";
import type { FamilyRenderers } from "./types";

/** The output types this file renders; `CONTENT_RENDERERS` has exactly these keys. */
export const CONTENT_TYPES = ["text", "markdown", "html", "code", "table"] as const satisfies readonly OutputType[];

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

export function renderText(spec: Pick<OutputOf<"text">, "content" | "inline">): HTMLElement {
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

export const CONTENT_RENDERERS: FamilyRenderers<typeof CONTENT_TYPES> = {
  text: renderText,
  markdown: renderMarkdown,
  html: renderHtml,
  code: renderCode,
  table: renderTable,
};
