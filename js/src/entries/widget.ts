/**
 * anywidget (0.11) front end module: `export default { initialize, render }`.
 *
 * One renderer per model, created in `initialize` on a detached host element, so that
 * commands (and the `ping` handshake) are handled even before any view exists. `render`
 * moves that host into the view's element; a second view takes it over.
 *
 * Nothing lost (DESIGN.md §5): each kernel->frontend custom message is a `CommBatch`
 * `{seq, commands}` — batch number `seq` of this cell root — because IOPub can drop
 * messages. The model applies batches in order, ignores one it already applied (the kernel
 * answers one view's `resume` to every view of the comm), acknowledges what it applied
 * every few seconds while output flows (`ack`, as the server page does), and asks for the rest with a
 * `resume {root, applied}` event when it sees a number jump and when it starts: a model
 * that initializes may have missed the history (page reload, second tab, notebook closed
 * and reopened while the kernel runs). The kernel answers with the missed batches or with
 * a `resync` batch that rebuilds the root from its page model (`Session.catch_up`).
 */
import type { AnyWidget, Initialize, Render } from "@anywidget/types";
import type { Event } from "../protocol.gen";
import { isRecord } from "../renderer/dom";
import { Renderer } from "../renderer/renderer";
import { UPLOAD_EVENT, type UploadRequest } from "../renderer/upload";

/** The synced traits of `pywebio_nb.jupyter._widget` that this module reads. */
interface WidgetModel {
  key: string;
  root_id: string;
}

/**
 * Delay before acknowledging the batches applied: at most one `ack` per this interval,
 * however fast output flows. An ack only lets the kernel forget batches (its log is bounded
 * anyway), while each one is a kernel message that flashes the kernel's busy indicator, so
 * a clock ticking every second should not cause one per tick.
 */
export const ACK_DELAY_MS = 2000;
/** A `resume` whose answer did not come within this time may be asked again. */
export const RESUME_RETRY_MS = 2000;

/** One decoded comm message (see `pywebio_nb/jupyter/_wire.py`, its Python twin). */
interface Part {
  seq: number;
  commands: unknown[];
  part: number;
  parts: number;
  buffers: readonly unknown[];
}

function decodePart(content: unknown, buffers: readonly unknown[]): Part | null {
  if (!isRecord(content)) return null;
  const { seq, commands, part = 0, parts = 1 } = content;
  if (typeof seq !== "number" || !Array.isArray(commands)) return null;
  if (typeof part !== "number" || typeof parts !== "number" || part < 0 || part >= parts) return null;
  return { seq, commands, part, parts, buffers };
}

function isResync(commands: readonly unknown[]): boolean {
  return commands.some((command) => isRecord(command) && command["command"] === "resync");
}

/**
 * Applies one cell root's numbered batches to its renderer, in order, exactly once, and
 * tells the kernel what it applied (`ack`) or still needs (`resume`).
 */
export class Sequencer {
  /** Batches applied, numbered as the kernel numbers them (a `resync` batch sets it). */
  applied = 0;
  private acked = 0;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private resumedAt: number | null = null;
  /** The parts received so far of the multi-part batch in progress. */
  private pending: Part[] = [];

  constructor(
    private readonly renderer: Renderer,
    private readonly send: (event: Event) => void,
    private readonly root: () => string,
  ) {}

  /** Ask the kernel for every batch after the ones applied (or a snapshot). */
  resume(): void {
    this.resumedAt = Date.now();
    this.post({ event: "resume", task_id: null, data: { root: this.root(), applied: this.applied } });
  }

  /** One custom message from the kernel. */
  receive(content: unknown, buffers: readonly unknown[] = []): void {
    const part = decodePart(content, buffers);
    if (part === null) {
      this.renderer.reportError("the kernel sent a message that is not a numbered batch {seq, commands}", content);
      return;
    }
    // A batch in several messages (blob chunks first) is judged once it is complete.
    const first = this.pending[0];
    if (part.part !== this.pending.length || (first !== undefined && first.seq !== part.seq)) {
      // A part went missing: that batch is lost (the kernel sends it again on `resume`).
      const restarted = part.part === 0;
      this.pending = [];
      if (restarted || part.part === part.parts - 1) this.gap();
      if (!restarted) return;
    }
    this.pending.push(part);
    if (part.part < part.parts - 1) return;
    const parts = this.pending;
    this.pending = [];
    this.complete(part.seq, parts);
  }

  private complete(seq: number, parts: Part[]): void {
    const last = parts[parts.length - 1];
    const resync = last !== undefined && isResync(last.commands);
    if (seq <= this.applied && !resync) return; // applied already (a replay for another view)
    if (resync && seq === this.applied + 1) {
      // Another view asked; this one is up to date and shows what the snapshot rebuilds
      // (and more: scroll positions, what the user is typing). Only the numbering moves.
      this.applied = seq;
      this.resumedAt = null;
      return;
    }
    if (!resync && seq !== this.applied + 1) {
      this.gap();
      return;
    }
    for (const { commands, buffers } of parts) this.renderer.handle(commands, buffers);
    this.applied = seq;
    this.resumedAt = null;
    if (this.ackTimer === null) this.ackTimer = setTimeout(() => this.acknowledge(), ACK_DELAY_MS);
  }

  /** Batches are missing: ask once (again only when the answer seems lost). */
  private gap(): void {
    if (this.resumedAt !== null && Date.now() - this.resumedAt < RESUME_RETRY_MS) return;
    this.resume();
  }

  private acknowledge(): void {
    this.ackTimer = null;
    if (this.applied > this.acked) {
      this.acked = this.applied;
      this.post({ event: "ack", task_id: null, data: { seq: this.applied, root: this.root() } });
    }
  }

  /** Send one of the sequencer's own events; a comm already closed needs none of them. */
  private post(event: Event): void {
    try {
      this.send(event);
    } catch (error) {
      // The notebook was closed under a pending acknowledgement: nothing is owed any more.
      this.dispose();
      console.debug("pywebio_nb: the comm is closed; dropped", event.event, error);
    }
  }

  /** Stop the pending acknowledgement (the model is going away). */
  dispose(): void {
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }
}

// Keyed by the widget's unique `key` trait: anywidget hands `initialize` and
// `render` different proxy objects for the same model, so the object is no key.
const hosts = new Map<string, HTMLElement>();

const initialize: Initialize<WidgetModel> = ({ model }) => {
  const host = document.createElement("div");
  host.className = "pywebio-nb-host";
  const send = (event: Event): void => model.send(event);
  // The page's own events may come after the comm closed (closing a notebook blurs
  // the focused input of a pending form, which sends an input_event): nothing waits
  // for them any more, and an uncaught error there would only say so to the page.
  const sendFromPage = (event: Event): void => {
    try {
      model.send(event);
    } catch (error) {
      console.debug("pywebio_nb: the comm is closed; dropped", event.event, error);
    }
  };
  const renderer = new Renderer(host, sendFromPage, { mode: "widget" });
  const sequencer = new Sequencer(renderer, send, () => model.get("root_id"));
  // Binary buffers of a message are the chunks that its `blob` commands index.
  const onMessage = (content: unknown, buffers?: readonly unknown[]): void => sequencer.receive(content, buffers);
  model.on("msg:custom", onMessage);
  // An uploaded file's chunk: the event as the content, the bytes as the message's buffer.
  const onUpload = (event: globalThis.Event): void => {
    const request = (event as CustomEvent<UploadRequest>).detail;
    request.accepted = true;
    model.send(request.event, undefined, [request.chunk]);
    // Yield to the event loop between chunks so the page stays responsive.
    request.sent = new Promise((resolve) => setTimeout(resolve, 0));
  };
  host.addEventListener(UPLOAD_EVENT, onUpload);
  const key = model.get("key");
  hosts.set(key, host);
  // This model may start after batches were sent (a reload, a second tab) or lose the
  // first ones while its module loads: ask for everything. A view that has them all
  // ignores the replay; a cell blocked in input() gets its form back.
  sequencer.resume();
  return () => {
    model.off("msg:custom", onMessage);
    host.removeEventListener(UPLOAD_EVENT, onUpload);
    sequencer.dispose();
    hosts.delete(key);
  };
};

const render: Render<WidgetModel> = ({ model, el }) => {
  const host = hosts.get(model.get("key"));
  if (!host) {
    const message = "pywebio_nb: render() called before initialize(); this anywidget version is not supported";
    console.error(message);
    el.textContent = message;
    return;
  }
  el.append(host);
  return () => {
    if (host.parentElement === el) host.remove();
  };
};

export default { initialize, render } satisfies AnyWidget<WidgetModel>;
