/**
 * The `logbox` command (an additive extension: battery's `logbox_append`, which PyWebIO
 * runs as a script per call). The box is a `pre.pywebio-logbox` that `put_logbox`
 * outputs as HTML; it is found by its name through a data attribute compared in JS,
 * never through a selector built from the name. Each append adds one text node (no
 * re-parse, no copy of the text already there); a box that keeps to the bottom scrolls
 * once per animation frame, not once per append, so a burst of 10,000 appends costs
 * one layout.
 */
import type { LogboxSpec } from "../protocol.gen";
import type { RenderContext } from "./context";
import { str } from "./dom";

/** Boxes by name, per shadow root: a burst of appends does not query the DOM each time. */
const found = new WeakMap<ShadowRoot, Map<string, HTMLElement[]>>();
/** Boxes with a scroll to the bottom already scheduled for the next frame. */
const scrolling = new WeakSet<HTMLElement>();
/** Names already reported as missing (once each, not once per append). */
const warned = new WeakMap<ShadowRoot, Set<string>>();

function boxes(ctx: RenderContext, name: string): HTMLElement[] {
  let byName = found.get(ctx.root);
  if (!byName) {
    byName = new Map();
    found.set(ctx.root, byName);
  }
  const cached = byName.get(name);
  if (cached?.length && cached.every((node) => node.isConnected)) return cached;
  const fresh = Array.from(ctx.root.querySelectorAll<HTMLElement>("pre.pywebio-logbox")).filter(
    (node) => node.dataset["logbox"] === name,
  );
  byName.set(name, fresh);
  return fresh;
}

function nextFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(callback);
  else setTimeout(callback, 0);
}

function keepBottom(ctx: RenderContext, box: HTMLElement): void {
  // A reader who focused the box (click, Tab) is scrolling it: leave it where it is.
  if (scrolling.has(box) || box.dataset["keepBottom"] !== "1" || ctx.root.activeElement === box) return;
  scrolling.add(box);
  nextFrame(() => {
    scrolling.delete(box);
    box.scrollTop = box.scrollHeight;
  });
}

/** Append `spec.text` (as text) to every logbox called `spec.name`; `clear` empties them first. */
export function logbox(ctx: RenderContext, spec: LogboxSpec): void {
  const name = str(spec.name);
  const targets = boxes(ctx, name);
  if (!targets.length) {
    let names = warned.get(ctx.root);
    if (!names) {
      names = new Set();
      warned.set(ctx.root, names);
    }
    if (!names.has(name)) console.warn(`pywebio_nb: logbox_append: no logbox called ${JSON.stringify(name)}`);
    names.add(name);
    return;
  }
  const text = str(spec.text);
  for (const box of targets) {
    if (spec.clear === true) box.replaceChildren();
    if (text) box.append(document.createTextNode(text));
    keepBottom(ctx, box);
  }
}
