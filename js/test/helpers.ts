/** Shared helpers of the renderer tests: a page renderer that records what it sends. */
import { type Event, ROOT_SCOPE, ROOT_SCOPE_SELECTOR, SCOPE_PREFIX } from "../src/protocol.gen";
import { Renderer } from "../src/renderer/renderer";

export const ROOT = ROOT_SCOPE_SELECTOR;

export interface Harness {
  renderer: Renderer;
  /** Every event the renderer sent, in order. */
  sent: Event[];
  /** Apply commands (wire shape, untyped on purpose: the renderer takes untrusted data). */
  handle(...commands: unknown[]): void;
  /** The ROOT scope element. */
  root(): HTMLElement;
}

export function harness(): Harness {
  const sent: Event[] = [];
  const renderer = new Renderer(document.createElement("div"), (event) => sent.push(event), { mode: "page" });
  return {
    renderer,
    sent,
    handle: (...commands) => renderer.handle(commands),
    root: () => {
      const root = renderer.root.getElementById(`${SCOPE_PREFIX}${ROOT_SCOPE}`);
      if (!root) throw new Error("no ROOT scope");
      return root;
    },
  };
}

/** An `output` command into ROOT, appended. */
export function output(spec: Record<string, unknown>): unknown {
  return { command: "output", task_id: null, spec: { scope: ROOT, position: -1, ...spec } };
}

export function command(name: string, spec: unknown, taskId: string | null = null): unknown {
  return { command: name, task_id: taskId, spec };
}
