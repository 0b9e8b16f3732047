/**
 * `put_processbar` and the `set_processbar` command (an additive extension: PyWebIO
 * runs a script instead). A bar is found by its name through a data attribute compared
 * in JS, never through a CSS selector built from the name (names may hold spaces).
 */
import type { OutputOf, SetProcessbarSpec } from "../../protocol.gen";
import type { RenderContext } from "../context";
import { h, str } from "../dom";

function clamp(value: unknown): number {
  const n = typeof value === "number" && Number.isFinite(value) ? value : 0;
  return Math.min(1, Math.max(0, n));
}

function paint(node: HTMLElement, value: unknown, label: unknown): void {
  const fraction = clamp(value);
  const percent = `${Math.round(fraction * 1000) / 10}%`;
  const bar = node.querySelector<HTMLElement>(".progress-bar");
  if (!bar) return;
  bar.style.width = percent;
  bar.setAttribute("aria-valuenow", String(Math.round(fraction * 100)));
  // textContent: a label is text, never HTML.
  bar.textContent = typeof label === "string" ? label : percent;
}

export function renderProcessbar(spec: OutputOf<"processbar">): HTMLElement {
  const bar = h("div", {
    class: "progress-bar",
    role: "progressbar",
    "aria-valuemin": 0,
    "aria-valuemax": 100,
  });
  const node = h("div", { class: "pywebio-processbar" }, h("div", { class: "progress" }, bar));
  node.dataset["name"] = str(spec.name);
  if (spec.auto_close) node.dataset["autoClose"] = "true";
  paint(node, spec.value, spec.label);
  if (spec.auto_close && clamp(spec.value) >= 1) node.hidden = true;
  return node;
}

/** Apply `set_processbar` to every bar called `spec.name`; an unknown name is reported. */
export function setProcessbar(ctx: RenderContext, spec: SetProcessbarSpec): void {
  const name = str(spec.name);
  const bars = Array.from(ctx.root.querySelectorAll<HTMLElement>(".pywebio-processbar")).filter(
    (node) => node.dataset["name"] === name,
  );
  if (!bars.length) {
    console.warn(`pywebio_nb: set_processbar: no progress bar called ${JSON.stringify(name)}`);
    return;
  }
  for (const node of bars) {
    paint(node, spec.value, spec.label);
    if (node.dataset["autoClose"] === "true" && clamp(spec.value) >= 1) node.remove();
  }
}
