/** Narrowing the generated tagged unions by their `type`. */

/**
 * The members of the union `U` whose `type` tag admits `T`. Unlike `Extract<U, {type: T}>`
 * (the generated `OutputOf` / `InputItemOf`) it keeps members tagged by a union, such as
 * the layout spec (`row | column | grid`) or the text input (`text | number | ...`).
 */
export type Tagged<U extends { type: string }, T extends U["type"]> = U extends { type: infer K }
  ? T extends K
    ? U
    : never
  : never;
