/** The types shared by the output renderer tables (`index.ts` and the family files). */
import type { OutputOf, OutputType } from "../../protocol.gen";
import type { RenderContext } from "../context";

/** The renderer of output type `T`. */
export type OutputRenderer<T extends OutputType> = (spec: OutputOf<T>, ctx: RenderContext) => HTMLElement;

/** One renderer per output type. */
export type OutputRenderers = { readonly [T in OutputType]: OutputRenderer<T> };

/**
 * The renderer table of one family: exactly the types listed in `Types` (a family's
 * `as const` list of type names), each with the renderer of its own spec.
 */
export type FamilyRenderers<Types extends readonly OutputType[]> = {
  readonly [T in Types[number]]: OutputRenderer<T>;
};
