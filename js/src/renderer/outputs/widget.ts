/**
 * `put_widget`: a mustache template rendered with the spec's `data`. The template calls
 * `{{& pywebio_output_parse}}` on an item: a string becomes escaped text, an output spec
 * a placeholder that is replaced by the rendered output (live, with its callbacks).
 * mustache is loaded on first use (see `lazy.ts`); until then the element is empty.
 */
import type { OutputOf, OutputSpec } from "../../protocol.gen";
import type { RenderContext } from "../context";
import { h, isRecord } from "../dom";
import { loadMustache } from "./lazy";

const SLOT = "data-pywebio-slot";

function isOutputSpec(value: unknown): value is OutputSpec {
  return isRecord(value) && typeof value["type"] === "string";
}

/** Fill `node` from the template (exported for tests, which await it). */
export async function fillWidget(node: HTMLElement, spec: OutputOf<"widget">, ctx: RenderContext): Promise<void> {
  const { renderTemplate, escapeHtml } = await loadMustache();
  const slots: OutputSpec[] = [];
  const view: Record<string, unknown> = {
    ...(isRecord(spec.data) ? spec.data : {}),
    // mustache calls it with the current section item as `this`.
    pywebio_output_parse(this: unknown): string {
      if (isOutputSpec(this)) {
        slots.push(this);
        return `<div ${SLOT}="${slots.length - 1}"></div>`;
      }
      const text = typeof this === "string" || this instanceof String ? String(this) : JSON.stringify(this);
      return escapeHtml(text ?? "");
    },
  };
  node.innerHTML = renderTemplate(typeof spec.template === "string" ? spec.template : "", view);
  for (const placeholder of Array.from(node.querySelectorAll(`[${SLOT}]`))) {
    const slot = slots[Number(placeholder.getAttribute(SLOT))];
    if (slot) placeholder.replaceWith(ctx.renderOutput(slot));
  }
}

export function renderWidget(spec: OutputOf<"widget">, ctx: RenderContext): HTMLElement {
  const node = h("div", { class: "pywebio-widget" });
  fillWidget(node, spec, ctx).catch((error: unknown) => ctx.reportError("put_widget: rendering failed", error));
  return node;
}
