/**
 * The media family and the blob path: `blob` commands with binary buffers, images and
 * file links built from object URLs, revocation on removal, WebSocket frame decoding,
 * and comm buffers reaching the anywidget entry.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import widget from "../src/entries/widget";
import { decodeBlobFrame } from "../src/renderer/blobs";
import { command, harness, output, ROOT } from "./helpers";

let urls: Map<string, Blob>;
let revoked: string[];

beforeEach(() => {
  urls = new Map();
  revoked = [];
  let n = 0;
  // jsdom has no object URLs: record what the renderer makes and revokes.
  URL.createObjectURL = vi.fn((blob: Blob) => {
    const url = `blob:test/${++n}`;
    urls.set(url, blob);
    return url;
  });
  URL.revokeObjectURL = vi.fn((url: string) => {
    revoked.push(url);
  });
});

afterEach(() => vi.restoreAllMocks());

const ref = (id: string, size: number, mime = "") => ({ blob: id, size, mime });
const chunk = (id: string, offset: number, size: number, buffer = 0, mime = "") =>
  command("blob", { id, offset, size, mime, buffer });
const bytes = (...values: number[]) => new Uint8Array(values);

async function blobText(url: string | null): Promise<string> {
  const blob = url ? urls.get(url) : undefined;
  if (!blob) throw new Error(`no blob behind ${url}`);
  return new TextDecoder().decode(await blob.arrayBuffer());
}

describe("put_image", () => {
  it("shows bytes that came as a buffer through an object URL, with alt text and size", async () => {
    const t = harness();
    t.renderer.handle(
      [
        chunk("b1", 0, 3, 0, "image/png"),
        output({ type: "image", src: ref("b1", 3, "image/png"), title: "<b>t</b>", width: "50px" }),
      ],
      [bytes(104, 105, 33)],
    );
    const img = t.root().querySelector("img");
    expect(img?.getAttribute("alt")).toBe("<b>t</b>");
    expect(img?.style.width).toBe("50px");
    expect(img?.getAttribute("src")).toMatch(/^blob:test\//);
    expect(await blobText(img?.getAttribute("src") ?? null)).toBe("hi!");
    expect(urls.get(img?.getAttribute("src") ?? "")?.type).toBe("image/png");
  });

  it("joins chunks that arrive in separate batches, by offset", async () => {
    const t = harness();
    t.renderer.handle(
      [chunk("b2", 3, 5, 0), chunk("b2", 0, 5, 1)],
      [bytes(100, 101), new DataView(bytes(97, 98, 99).buffer)],
    );
    t.handle(output({ type: "image", src: ref("b2", 5) }));
    expect(await blobText(t.root().querySelector("img")?.getAttribute("src") ?? null)).toBe("abcde");
  });

  it("loads a URL string as is, but never a javascript: URL", () => {
    const t = harness();
    t.handle(
      output({ type: "image", src: "https://example.com/a.png" }),
      output({ type: "image", src: " JavaScript:alert(1)" }),
    );
    const images = t.root().querySelectorAll("img");
    expect(images[0]?.getAttribute("src")).toBe("https://example.com/a.png");
    expect(images[1]?.hasAttribute("src")).toBe(false);
    expect(t.renderer.root.querySelector(".pywebio-error")?.textContent).toContain("refused the image source");
  });

  it("says so when the bytes never arrived", () => {
    const t = harness();
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    t.handle(output({ type: "image", src: ref("nope", 10) }));
    expect(t.root().querySelector("img")).toBeNull();
    expect(t.root().textContent).toContain("(blob nope) did not arrive");
    expect(error).toHaveBeenCalled();
  });

  it("a chunk beyond its blob's size is an error, not a silent truncation", () => {
    const t = harness();
    vi.spyOn(console, "error").mockImplementation(() => {});
    t.renderer.handle([chunk("b3", 2, 3)], [bytes(1, 2)]);
    expect(t.renderer.root.querySelector(".pywebio-error")?.textContent).toContain("exceeds its size 3");
  });
});

describe("put_file", () => {
  it("is a download link with the label as text (never HTML)", async () => {
    const t = harness();
    t.renderer.handle(
      [chunk("f1", 0, 2), output({ type: "file", name: "a.txt", content: ref("f1", 2), label: "<i>get</i>" })],
      [bytes(111, 107)],
    );
    const link = t.root().querySelector("a");
    expect(link?.getAttribute("download")).toBe("a.txt");
    expect(link?.textContent).toBe("<i>get</i>");
    expect(link?.querySelector("i")).toBeNull();
    expect(await blobText(link?.getAttribute("href") ?? null)).toBe("ok");
  });

  it("uses the file name as label by default", () => {
    const t = harness();
    t.renderer.handle(
      [chunk("f2", 0, 0), output({ type: "file", name: "empty.bin", content: ref("f2", 0) })],
      [bytes()],
    );
    expect(t.root().querySelector("a")?.textContent).toBe("empty.bin");
  });
});

describe("object URLs", () => {
  it("are revoked when their output is removed, and kept while it stays", async () => {
    const t = harness();
    t.renderer.handle(
      [
        command("output_ctl", { set_scope: "pywebio-scope-pics", container: ROOT, position: -1, if_exist: null }),
        chunk("r1", 0, 1),
        output({ type: "image", src: ref("r1", 1), scope: "#pywebio-scope-pics" }),
        chunk("r2", 0, 1),
        output({ type: "file", name: "x", content: ref("r2", 1) }),
      ],
      [bytes(1), bytes(2)],
    );
    const src = t.root().querySelector("img")?.getAttribute("src");
    t.handle(command("output_ctl", { clear: "#pywebio-scope-pics" }));
    await Promise.resolve(); // MutationObserver callbacks run as microtasks
    expect(revoked).toEqual([src]);
    t.handle(command("output_ctl", { remove: "#pywebio-scope-pics" }));
    await Promise.resolve();
    expect(revoked).toHaveLength(1);
  });
});

describe("WebSocket binary frames", () => {
  it("decode into the blob command and its chunk", () => {
    const header = new TextEncoder().encode(JSON.stringify(chunk("w1", 4, 6)));
    const frame = new Uint8Array(4 + header.length + 2);
    new DataView(frame.buffer).setUint32(0, header.length);
    frame.set(header, 4);
    frame.set([7, 8], 4 + header.length);
    const { command: decoded, chunk: data } = decodeBlobFrame(frame.buffer);
    expect(decoded).toEqual(chunk("w1", 4, 6));
    expect(Array.from(data)).toEqual([7, 8]);
  });

  it("refuse frames that are not blob chunks", () => {
    const header = new TextEncoder().encode(JSON.stringify(command("output", {})));
    const frame = new Uint8Array(4 + header.length);
    new DataView(frame.buffer).setUint32(0, header.length);
    frame.set(header, 4);
    expect(() => decodeBlobFrame(frame.buffer)).toThrow(/must start with a blob command/);
    expect(() => decodeBlobFrame(new Uint8Array([0, 0, 1, 0]).buffer)).toThrow(/longer than the frame/);
  });
});

describe("anywidget entry", () => {
  it("hands the comm message's buffers to the renderer", async () => {
    type Handler = (content: unknown, buffers: DataView[]) => void;
    const handlers: Handler[] = [];
    const traits = { key: "media-test", root_id: "" };
    const model = {
      get: (key: keyof typeof traits) => traits[key],
      set: () => {},
      on: (_name: string, handler: Handler) => handlers.push(handler),
      off: () => {},
      send: () => {},
      save_changes: () => {},
      widget_manager: { get_model: () => Promise.reject(new Error("none")) },
    };
    const experimental = { invoke: () => Promise.reject(new Error("none")) };
    // biome-ignore lint/suspicious/noExplicitAny: a minimal stand-in for anywidget's model proxy
    const anyModel = model as any;
    await widget.initialize({ model: anyModel, signal: new AbortController().signal, experimental } as never);
    const el = document.createElement("div");
    await widget.render({ model: anyModel, el, signal: new AbortController().signal, experimental } as never);
    const buffer = new DataView(bytes(80, 78, 71).buffer);
    for (const handler of handlers)
      handler({ seq: 1, commands: [chunk("c1", 0, 3), output({ type: "file", name: "n", content: ref("c1", 3) })] }, [
        buffer,
      ]);
    const host = el.querySelector(".pywebio-nb-host");
    const link = host?.shadowRoot?.querySelector("a");
    expect(await blobText(link?.getAttribute("href") ?? null)).toBe("PNG");
  });
});
