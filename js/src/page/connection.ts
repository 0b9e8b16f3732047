/**
 * What the server page's two transports (WebSocket, HTTP polling) share: counting the
 * batches applied (the server numbers them the same way; see `session._replay`) and the
 * reconnect back-off.
 */
import type { Renderer } from "../renderer/renderer";

/** Reconnect back-off: 250 ms doubling up to 8 s, at most this many attempts (~2 minutes). */
export const MAX_ATTEMPTS = 20;

export function backoff(attempt: number): number {
  return Math.min(250 * 2 ** (attempt - 1), 8000);
}

/** The first command of a batch, when it is `resync` with a numeric `seq`. */
export function resyncSeq(commands: unknown): number | null {
  if (!Array.isArray(commands) || commands.length === 0) return null;
  const first: unknown = commands[0];
  if (typeof first !== "object" || first === null) return null;
  const { command, spec } = first as { command?: unknown; spec?: { seq?: unknown } };
  return command === "resync" && typeof spec?.seq === "number" ? spec.seq : null;
}

/** Applies batches (JSON text) to a renderer and counts them. */
export class Counter {
  /** Batches applied; a `resync` batch sets the count to its `seq`. */
  applied = 0;

  constructor(private readonly renderer: Renderer) {}

  /** Parse and apply one batch; returns its commands (undefined when not JSON). */
  apply(text: string): unknown {
    let commands: unknown;
    try {
      commands = JSON.parse(text);
    } catch (error) {
      this.renderer.reportError("the server sent a batch that is not JSON", error);
      return undefined;
    }
    const resync = resyncSeq(commands);
    this.applied = resync !== null ? resync : this.applied + 1;
    this.renderer.handle(commands);
    return commands;
  }
}
