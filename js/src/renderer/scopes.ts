/**
 * Placing output: the `output` command (render into every element the target
 * selector matches) and the `output_ctl` scope operations. Selectors are always
 * resolved inside the renderer's shadow root.
 */
import { type OutputCtlSpec, type OutputSpec, ROOT_SCOPE_SELECTOR } from "../protocol.gen";
import type { RenderContext } from "./context";
import { assertNever, h, insertAt } from "./dom";

function query(ctx: RenderContext, selector: string): Element[] {
  try {
    return Array.from(ctx.root.querySelectorAll(selector));
  } catch (error) {
    ctx.reportError(`invalid scope selector ${JSON.stringify(selector)}`, error);
    return [];
  }
}

/** `output`: render the spec once per matching target, at `spec.position`. */
export function output(ctx: RenderContext, spec: OutputSpec): void {
  const selector = spec.scope || ROOT_SCOPE_SELECTOR;
  const targets = query(ctx, selector);
  if (targets.length === 0) {
    console.debug(`pywebio_nb: output target ${selector} not found; output dropped`);
    return;
  }
  for (const target of targets) insertAt(target, ctx.renderOutput(spec), spec.position ?? -1);
}

type CtlOp = "set_scope" | "loose" | "clear" | "clear_before" | "clear_after" | "clear_range" | "scroll_to" | "remove";
const CTL_OPS: readonly CtlOp[] = [
  "set_scope",
  "loose",
  "clear",
  "clear_before",
  "clear_after",
  "clear_range",
  "scroll_to",
  "remove",
];

function siblingsBetween(first: Element | null, stop: Element | null): Element[] {
  const found: Element[] = [];
  for (let node = first; node && node !== stop; node = node.nextElementSibling) found.push(node);
  return found;
}

function setScope(ctx: RenderContext, spec: OutputCtlSpec, name: string): void {
  const existing = ctx.root.getElementById(name);
  if (existing) {
    const ifExist = spec.if_exist ?? null;
    if (ifExist === null) return;
    if (ifExist === "clear" || ifExist === "blank") {
      if (ifExist === "blank") existing.style.minHeight = `${existing.getBoundingClientRect().height}px`;
      existing.replaceChildren();
      return;
    }
    if (ifExist === "remove") existing.remove();
    else assertNever(ifExist, "set_scope if_exist");
  }
  const containers = query(ctx, spec.container || ROOT_SCOPE_SELECTOR);
  if (containers.length === 0) {
    console.debug(`pywebio_nb: set_scope container ${spec.container} not found`);
    return;
  }
  for (const container of containers)
    insertAt(
      container,
      h("div", { id: name, class: "pywebio-scope" }),
      typeof spec.position === "number" ? spec.position : -1,
    );
}

/** `output_ctl`: exactly one scope operation per command. */
export function outputCtl(ctx: RenderContext, spec: OutputCtlSpec): void {
  const op = CTL_OPS.find((name) => spec[name] !== undefined);
  if (!op) {
    ctx.reportError(`output_ctl: no operation in ${JSON.stringify(spec)}; expected one of ${CTL_OPS.join(", ")}`);
    return;
  }
  switch (op) {
    case "set_scope":
      setScope(ctx, spec, String(spec.set_scope));
      return;
    case "loose":
      for (const el of query(ctx, String(spec.loose))) (el as HTMLElement).style.minHeight = "";
      return;
    case "clear":
      for (const el of query(ctx, String(spec.clear))) el.replaceChildren();
      return;
    case "clear_before":
      for (const el of query(ctx, String(spec.clear_before))) {
        for (const sib of siblingsBetween(el.parentElement?.firstElementChild ?? null, el)) sib.remove();
      }
      return;
    case "clear_after":
      for (const el of query(ctx, String(spec.clear_after))) {
        for (const sib of siblingsBetween(el.nextElementSibling, null)) sib.remove();
      }
      return;
    case "clear_range": {
      const [start, end] = spec.clear_range ?? [];
      if (!start || !end) return;
      for (const first of query(ctx, start)) {
        // Only what lies between `start` and a following sibling matching `end`; with no
        // such sibling nothing is removed.
        const between: Element[] = [];
        let node = first.nextElementSibling;
        while (node && !node.matches(end)) {
          between.push(node);
          node = node.nextElementSibling;
        }
        if (node) for (const sib of between) sib.remove();
      }
      return;
    }
    case "scroll_to": {
      const blocks = { top: "start", middle: "center", bottom: "end" } as const;
      const where = spec.position;
      const block = typeof where === "string" && where in blocks ? blocks[where] : "start";
      query(ctx, String(spec.scroll_to))[0]?.scrollIntoView({ behavior: "smooth", block });
      return;
    }
    case "remove":
      for (const el of query(ctx, String(spec.remove))) el.remove();
      return;
    default:
      assertNever(op, "output_ctl operation");
  }
}
