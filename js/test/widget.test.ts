/**
 * The anywidget entry against a mock model: what anywidget 0.11 does with the module
 * (`initialize` once per model, `render` once per view, cleanups on teardown), with the
 * comm reduced to `on`/`off`/`send`/`get`. Kernel messages are numbered batches
 * (`CommBatch`): the model applies them in order once, acknowledges them, and asks the
 * kernel to `resume` when it starts and when a number jumps.
 */
import type { AnyModel, InitializeProps, RenderProps } from "@anywidget/types";
import { afterEach, describe, expect, it, vi } from "vitest";
import widget, { ACK_DELAY_MS, RESUME_RETRY_MS } from "../src/entries/widget";

interface Traits {
  key: string;
  root_id: string;
}

type Handler = (content: unknown, buffers: DataView[]) => void;

/** An in-memory anywidget model: records what the frontend sends, delivers custom messages. */
class MockModel implements AnyModel<Traits> {
  readonly sent: unknown[] = [];
  readonly listeners = new Map<string, Set<Handler>>();
  readonly widget_manager = {
    get_model: () => Promise.reject(new Error("no widget manager in tests")),
  };

  constructor(private readonly traits: Traits) {}

  get<K extends keyof Traits>(key: K): Traits[K] {
    return this.traits[key];
  }

  set<K extends keyof Traits>(key: K, value: Traits[K]): void {
    this.traits[key] = value;
  }

  on(eventName: string, callback: Handler): void {
    const set = this.listeners.get(eventName) ?? new Set();
    set.add(callback);
    this.listeners.set(eventName, set);
  }

  off(eventName?: string | null, callback?: Handler | null): void {
    if (!eventName) this.listeners.clear();
    else if (!callback) this.listeners.delete(eventName);
    else this.listeners.get(eventName)?.delete(callback);
  }

  save_changes(): void {}

  send(content: unknown): void {
    this.sent.push(content);
  }

  /** The next batch number `deliver` uses. */
  seq = 1;

  /** Deliver `commands` as the kernel's next numbered batch. */
  deliver(commands: unknown[]): void {
    this.raw({ seq: this.seq++, commands });
  }

  /** Deliver a kernel->frontend custom message as it is, as the comm does. */
  raw(content: unknown, buffers: DataView[] = []): void {
    for (const handler of this.listeners.get("msg:custom") ?? []) handler(content, buffers);
  }

  /** The events sent, without the `resume` every model sends when it starts. */
  events(): unknown[] {
    return this.sent.filter((event) => (event as { event?: unknown }).event !== "resume");
  }
}

let keys = 0;
const newModel = (): MockModel => new MockModel({ key: `test-${++keys}`, root_id: "cell-1" });

const experimental = {
  invoke: () => Promise.reject(new Error("not in tests")),
} as InitializeProps["experimental"];

async function initialize(model: MockModel): Promise<() => void> {
  const cleanup = await widget.initialize({ model, signal: new AbortController().signal, experimental });
  expect(typeof cleanup).toBe("function");
  return cleanup as () => void;
}

function renderProps(model: MockModel, el: HTMLElement): RenderProps<Traits> {
  const noHost = (): Promise<never> => Promise.reject(new Error("no host in tests"));
  return {
    model,
    el,
    signal: new AbortController().signal,
    host: { getWidget: noHost, getModel: noHost },
    experimental,
  };
}

async function render(model: MockModel, el: HTMLElement): Promise<() => void> {
  const cleanup = await widget.render(renderProps(model, el));
  expect(typeof cleanup).toBe("function");
  return cleanup as () => void;
}

const text = (content: string): unknown => ({
  command: "output",
  task_id: null,
  spec: { type: "text", content, inline: false, scope: "#pywebio-scope-ROOT", position: -1 },
});

/** The text of the ROOT scope drawn inside `el`'s host. */
function rootText(el: HTMLElement): string | undefined {
  const host = el.querySelector(".pywebio-nb-host");
  return host?.shadowRoot?.getElementById("pywebio-scope-ROOT")?.textContent ?? undefined;
}

describe("anywidget entry", () => {
  it("renders a msg:custom batch of commands into the view", async () => {
    const model = newModel();
    await initialize(model);
    const el = document.createElement("div");
    await render(model, el);
    model.deliver([text("hello"), text("world")]);
    expect(rootText(el)).toBe("helloworld");
  });

  it("handles commands that arrive before any view, and shows them once rendered", async () => {
    const model = newModel();
    await initialize(model);
    model.deliver([text("early")]);
    const el = document.createElement("div");
    await render(model, el);
    expect(rootText(el)).toBe("early");
  });

  it("answers a ping with a pong through model.send", async () => {
    const model = newModel();
    await initialize(model);
    model.deliver([{ command: "ping", task_id: null, spec: { id: "abc" } }]);
    expect(model.events()).toEqual([{ event: "pong", task_id: null, data: expect.objectContaining({ id: "abc" }) }]);
  });

  it("lets a second view take the renderer over", async () => {
    const model = newModel();
    await initialize(model);
    const first = document.createElement("div");
    const second = document.createElement("div");
    const cleanupFirst = await render(model, first);
    await render(model, second);
    model.deliver([text("moved")]);
    expect(first.children.length).toBe(0);
    expect(rootText(second)).toBe("moved");
    // Tearing down the first view must not take the host from the second one.
    cleanupFirst();
    expect(rootText(second)).toBe("moved");
  });

  it("view cleanup detaches the host from its element", async () => {
    const model = newModel();
    await initialize(model);
    const el = document.createElement("div");
    const cleanup = await render(model, el);
    cleanup();
    expect(el.children.length).toBe(0);
  });

  it("initialize cleanup unsubscribes from the model", async () => {
    const model = newModel();
    const cleanup = await initialize(model);
    expect(model.listeners.get("msg:custom")?.size).toBe(1);
    cleanup();
    expect(model.listeners.get("msg:custom")?.size ?? 0).toBe(0);
    model.deliver([{ command: "ping", task_id: null, spec: { id: "late" } }]);
    expect(model.events()).toEqual([]);
  });

  it("render without initialize says so in the view and the console", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const el = document.createElement("div");
    const result = await widget.render(renderProps(newModel(), el));
    expect(result).toBeUndefined();
    expect(el.textContent).toContain("render() called before initialize()");
    expect(errors).toHaveBeenCalledOnce();
    errors.mockRestore();
  });
});

const resume = (applied: number): unknown => ({ event: "resume", task_id: null, data: { root: "cell-1", applied } });
const resync = (seq: number): unknown => ({ command: "resync", task_id: null, spec: { seq } });

describe("numbered batches", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function shown(): Promise<{ model: MockModel; el: HTMLElement }> {
    const model = newModel();
    await initialize(model);
    const el = document.createElement("div");
    await render(model, el);
    return { model, el };
  }

  it("asks the kernel for the history when the model starts (a reload, a second tab)", async () => {
    const { model } = await shown();
    expect(model.sent).toEqual([resume(0)]);
  });

  it("applies a replayed batch once: a view that has it ignores it, asking nothing", async () => {
    vi.useFakeTimers();
    const { model, el } = await shown();
    model.deliver([text("a")]);
    vi.advanceTimersByTime(RESUME_RETRY_MS); // (so a needless resume could be sent)
    model.raw({ seq: 1, commands: [text("a")] }); // the kernel's answer to another view
    model.deliver([text("b")]);
    expect(rootText(el)).toBe("ab");
    expect(model.sent.filter((e) => (e as { event: string }).event === "resume")).toEqual([resume(0)]);
  });

  it("asks to resume after the last batch applied when a number jumps, and takes the replay", async () => {
    const { model, el } = await shown();
    model.deliver([text("a")]);
    model.seq = 3; // batch 2 was dropped on the way
    model.deliver([text("c")]);
    expect(rootText(el)).toBe("a");
    expect(model.sent.slice(1)).toEqual([resume(1)]);
    model.deliver([text("d")]); // still missing 2: asked already, not again
    expect(model.sent.slice(1)).toEqual([resume(1)]);
    model.raw({ seq: 2, commands: [text("b")] });
    model.raw({ seq: 3, commands: [text("c")] });
    model.raw({ seq: 4, commands: [text("d")] });
    expect(rootText(el)).toBe("abcd");
  });

  it("asks again when the answer to a resume seems lost", async () => {
    vi.useFakeTimers();
    const { model } = await shown();
    model.seq = 2;
    model.deliver([text("b")]);
    model.deliver([text("c")]);
    expect(model.sent).toEqual([resume(0)]); // the start's resume is still on its way
    vi.advanceTimersByTime(RESUME_RETRY_MS);
    model.deliver([text("d")]);
    expect(model.sent).toEqual([resume(0), resume(0)]);
  });

  it("rebuilds the root from a resync batch and counts from its number", async () => {
    const { model, el } = await shown();
    model.seq = 5;
    model.deliver([text("late")]); // a gap: asks
    model.raw({ seq: 7, commands: [resync(7), text("snapshot")] });
    expect(rootText(el)).toBe("snapshot");
    model.raw({ seq: 8, commands: [text("+live")] });
    expect(rootText(el)).toBe("snapshot+live");
  });

  it("a view already up to date keeps what it shows when another view gets a resync", async () => {
    const { model, el } = await shown();
    model.deliver([text("a")]);
    model.deliver([text("b")]);
    model.raw({ seq: 3, commands: [resync(3), text("ab")] });
    expect(rootText(el)).toBe("ab");
    model.raw({ seq: 4, commands: [text("c")] });
    expect(rootText(el)).toBe("abc");
    expect(model.sent).toEqual([resume(0)]);
  });

  it("acknowledges what it applied once per interval, not per batch", async () => {
    vi.useFakeTimers();
    const { model } = await shown();
    model.deliver([text("a")]);
    vi.advanceTimersByTime(ACK_DELAY_MS / 2);
    model.deliver([text("b")]);
    expect(model.events()).toEqual([]);
    vi.advanceTimersByTime(ACK_DELAY_MS / 2);
    expect(model.events()).toEqual([{ event: "ack", task_id: null, data: { seq: 2, root: "cell-1" } }]);
    vi.advanceTimersByTime(10 * ACK_DELAY_MS);
    expect(model.events()).toHaveLength(1);
  });

  it("applies a batch sent in parts only when its last part arrives; a lost part is asked for", async () => {
    const { model, el } = await shown();
    const chunk = new DataView(new Uint8Array([1, 2, 3]).buffer);
    const blob = { command: "blob", task_id: null, spec: { id: "b1", offset: 0, size: 3, buffer: 0 } };
    model.raw({ seq: 1, commands: [blob], part: 0, parts: 2 }, [chunk]);
    expect(rootText(el) ?? "").toBe("");
    model.raw({ seq: 1, commands: [text("with blob")], part: 1, parts: 2 });
    expect(rootText(el)).toBe("with blob");
    // Part 0 of batch 2 is lost: its last part completes nothing and asks for the batch.
    model.raw({ seq: 2, commands: [text("lost")], part: 1, parts: 2 });
    expect(rootText(el)).toBe("with blob");
    expect(model.sent.slice(1)).toEqual([resume(1)]);
  });

  it("reports a message that is not a numbered batch", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { model, el } = await shown();
    model.raw([text("bare list")]);
    expect(rootText(el) ?? "").not.toContain("bare list");
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
  });
});

describe("a closed comm", () => {
  it("drops the pending acknowledgement without an uncaught error", async () => {
    vi.useFakeTimers();
    const model = newModel();
    await initialize(model);
    model.deliver([text("a")]);
    const debug = vi.spyOn(console, "debug").mockImplementation(() => {});
    model.send = () => {
      throw new Error("Cannot send");
    };
    expect(() => vi.advanceTimersByTime(ACK_DELAY_MS)).not.toThrow();
    expect(debug).toHaveBeenCalledOnce();
    debug.mockRestore();
    vi.useRealTimers();
  });

  it("drops an event of the page (a click, a blur) without an uncaught error", async () => {
    const model = newModel();
    await initialize(model);
    const el = document.createElement("div");
    document.body.append(el);
    await render(model, el);
    model.deliver([
      {
        command: "output",
        task_id: null,
        spec: {
          type: "buttons",
          callback_id: "cb-1",
          buttons: [{ value: 1, label: "go" }],
          scope: "#pywebio-scope-ROOT",
          position: -1,
        },
      },
    ]);
    const button = el.querySelector(".pywebio-nb-host")?.shadowRoot?.querySelector("button");
    expect(button).toBeTruthy();
    button?.click();
    expect(model.events()).toContainEqual({ event: "callback", task_id: "cb-1", data: 1 });
    const debug = vi.spyOn(console, "debug").mockImplementation(() => {});
    const uncaught: unknown[] = [];
    const onError = (event: ErrorEvent): void => {
      uncaught.push(event.error);
      event.preventDefault();
    };
    window.addEventListener("error", onError);
    model.send = () => {
      throw new Error("Cannot send");
    };
    button?.click();
    window.removeEventListener("error", onError);
    expect(uncaught).toEqual([]);
    expect(debug).toHaveBeenCalledOnce();
    debug.mockRestore();
    el.remove();
  });
});
