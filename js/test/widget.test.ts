/**
 * The anywidget entry against a mock model: what anywidget 0.11 does with the module
 * (`initialize` once per model, `render` once per view, cleanups on teardown), with the
 * comm reduced to `on`/`off`/`send`/`get`.
 */
import type { AnyModel, InitializeProps, RenderProps } from "@anywidget/types";
import { describe, expect, it, vi } from "vitest";
import widget from "../src/entries/widget";

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

  /** Deliver a kernel->frontend custom message, as the comm does. */
  deliver(content: unknown): void {
    for (const handler of this.listeners.get("msg:custom") ?? []) handler(content, []);
  }
}

let keys = 0;
const newModel = (): MockModel => new MockModel({ key: `test-${++keys}`, root_id: "" });

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
    expect(model.sent).toEqual([{ event: "pong", task_id: null, data: expect.objectContaining({ id: "abc" }) }]);
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
    expect(model.sent).toEqual([]);
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
