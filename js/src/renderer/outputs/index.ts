/**
 * Output widgets: one render function per `output` spec type, in a table keyed by the
 * generated `OutputType` (a type without a renderer is a compile error).
 *
 * The render functions live in one file per family (`content.ts`, `buttons.ts`,
 * `layout.ts`, `media.ts`), each exporting the `as const` list of the types it renders
 * and a table over exactly those types; this file joins the tables and checks, at
 * compile time, that every output type but `pin` has exactly one family.
 *
 * Each function builds a detached element from its spec, narrowed by its `type` tag;
 * `renderOutputWith` then applies the fields common to every type (style, click
 * callback, container id). Nested specs (scope contents, table cells, popup content,
 * ...) go back through `ctx.renderOutput`. Specs come off the wire: the tag picks the
 * renderer, and the renderers still read their fields defensively (`str`, `??`).
 */
import { OUTPUT_TYPES, type OutputOf, type OutputSpec, type OutputType } from "../../protocol.gen";
import type { RenderContext } from "../context";
import { appendStyle, h } from "../dom";
import { BUTTONS_RENDERERS, BUTTONS_TYPES } from "./buttons";
import { CONTENT_RENDERERS, CONTENT_TYPES } from "./content";
import { LAYOUT_RENDERERS, LAYOUT_TYPES } from "./layout";
import { MEDIA_RENDERERS, MEDIA_TYPES } from "./media";
import type { OutputRenderer, OutputRenderers } from "./types";

export type { FamilyRenderers, OutputRenderer, OutputRenderers } from "./types";

/** The type lists of the families, in the order their tables are joined. */
export const OUTPUT_FAMILIES = [CONTENT_TYPES, BUTTONS_TYPES, LAYOUT_TYPES, MEDIA_TYPES] as const;

// Compile-time checks (types only): no type is claimed by two families (a spread
// would let the later table silently win), and the families with the `pin`
// renderer (the renderer's `Pins`) cover every output type.
type _Claimed<F> = F extends readonly [infer Head extends readonly OutputType[], ...infer Rest]
  ? (Head[number] & _Claimed2<Rest>) | _Claimed<Rest>
  : never;
type _Claimed2<F> = F extends readonly (infer L extends readonly OutputType[])[] ? L[number] : never;
type _Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type _Expect<T extends true> = T;
export type _NoTypeInTwoFamilies = _Expect<_Same<_Claimed<typeof OUTPUT_FAMILIES>, never>>;
export type _FamiliesCoverEveryType = _Expect<_Same<(typeof OUTPUT_FAMILIES)[number][number] | "pin", OutputType>>;

/** Every output type but `pin`, whose renderer belongs to the renderer's `Pins`. */
export const OUTPUT_RENDERERS: Omit<OutputRenderers, "pin"> = {
  ...CONTENT_RENDERERS,
  ...BUTTONS_RENDERERS,
  ...LAYOUT_RENDERERS,
  ...MEDIA_RENDERERS,
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
