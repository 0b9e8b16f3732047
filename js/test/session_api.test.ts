/** `download` over the blob path and every `set_env` key (pywebio_nb.session). */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Renderer } from "../src/renderer/renderer";
import { DOWNLOAD_URL_LIFETIME_MS } from "../src/renderer/script";
import { command, harness, output } from "./helpers";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const blob = (id: string, bytes: Uint8Array, mime = "text/plain") => [
  { command: "blob", task_id: null, spec: { id, offset: 0, size: bytes.byteLength, mime, buffer: 0 } },
  bytes,
];

function saving(): { saved: Array<{ name: string; url: string }>; blobs: Map<string, Blob>; revoked: string[] } {
  const blobs = new Map<string, Blob>();
  const revoked: string[] = [];
  let n = 0;
  URL.createObjectURL = vi.fn((b: Blob) => {
    const url = `blob:dl/${++n}`;
    blobs.set(url, b);
    return url;
  });
  URL.revokeObjectURL = vi.fn((url: string) => {
    revoked.push(url);
  });
  const saved: Array<{ name: string; url: string }> = [];
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, url: this.getAttribute("href") ?? "" });
  });
  return { saved, blobs, revoked };
}

describe("download", () => {
  it("saves the bytes of the blob that came before it, then frees them", async () => {
    vi.useFakeTimers();
    const { saved, blobs, revoked } = saving();
    const t = harness();
    const [chunk, bytes] = blob("b1", new Uint8Array(Array.from("hello world!", (c) => c.charCodeAt(0))));
    t.renderer.handle(
      [chunk, command("download", { name: "hello-world.txt", content: { blob: "b1", size: 12, mime: "text/plain" } })],
      [bytes],
    );
    expect(saved).toEqual([{ name: "hello-world.txt", url: "blob:dl/1" }]);
    const saved0 = blobs.get("blob:dl/1");
    expect(saved0 && new TextDecoder().decode(await saved0.arrayBuffer())).toBe("hello world!");
    expect(document.querySelector("a[download]")).toBeNull();
    expect(revoked).toEqual([]);
    vi.advanceTimersByTime(DOWNLOAD_URL_LIFETIME_MS);
    expect(revoked).toEqual(["blob:dl/1"]);
    // Released: the store no longer holds the bytes, so the same id cannot be saved again.
    vi.spyOn(console, "error").mockImplementation(() => {});
    t.handle(command("download", { name: "again.txt", content: { blob: "b1", size: 12, mime: "text/plain" } }));
    expect(saved).toHaveLength(1);
  });

  it("a download whose bytes never came is a visible error", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { saved } = saving();
    const t = harness();
    t.handle(command("download", { name: "x.bin", content: { blob: "missing", size: 3, mime: "" } }));
    expect(saved).toEqual([]);
    expect(t.renderer.root.querySelector(".pywebio-error")?.textContent).toContain("did not arrive");
  });
});

describe("set_env", () => {
  it("title and output_max_width", () => {
    const t = harness();
    t.handle(command("set_env", { title: "Awesome PyWebIO!!", output_max_width: "600px" }));
    expect(document.title).toBe("Awesome PyWebIO!!");
    expect(t.renderer.container.style.maxWidth).toBe("600px");
  });

  it("auto_scroll_bottom scrolls after output to ROOT only", () => {
    const scrolls = vi.spyOn(window, "scrollTo").mockImplementation(() => {});
    const t = harness();
    t.handle(output({ type: "text", content: "before" }));
    expect(scrolls).not.toHaveBeenCalled();
    t.handle(command("set_env", { auto_scroll_bottom: true }));
    t.handle(
      command("output_ctl", { set_scope: "pywebio-scope-s", container: "#pywebio-scope-ROOT", position: -1 }),
      output({ type: "text", content: "in ROOT" }),
    );
    expect(scrolls).toHaveBeenCalledTimes(1);
    t.handle({ command: "output", task_id: null, spec: { type: "text", content: "in s", scope: "#pywebio-scope-s" } });
    expect(scrolls).toHaveBeenCalledTimes(1);
    t.handle(command("set_env", { auto_scroll_bottom: false }), output({ type: "text", content: "after" }));
    expect(scrolls).toHaveBeenCalledTimes(1);
  });

  it("input_auto_focus=False keeps a new form's inputs unfocused", () => {
    vi.useFakeTimers();
    const focus = vi.spyOn(HTMLElement.prototype, "focus");
    const t = harness();
    const form = (id: string) =>
      command("input_group", { inputs: [{ type: "text", name: "t", label: "", auto_focus: true }] }, id);
    t.handle(form("f1"));
    vi.runAllTimers();
    expect(focus).toHaveBeenCalledTimes(1);
    t.handle(command("destroy_form", null, "f1"), command("set_env", { input_auto_focus: false }), form("f2"));
    vi.runAllTimers();
    expect(focus).toHaveBeenCalledTimes(1);
  });

  it("input_panel_fixed pins the forms panel at the bottom with the given heights", () => {
    const t = harness();
    const panel = t.renderer.root.querySelector<HTMLElement>(".pywebio-forms");
    expect(panel?.style.position).toBe("");
    t.handle(
      command("set_env", { input_panel_fixed: true, input_panel_min_height: 100, input_panel_init_height: 400 }),
    );
    expect(panel?.style.position).toBe("sticky");
    expect(panel?.style.bottom).toBe("0px");
    expect(panel?.style.minHeight).toBe("100px");
    expect(panel?.style.maxHeight).toBe("400px");
    // PyWebIO's lower bounds: 75 px minimum, 175 px initial.
    t.handle(command("set_env", { input_panel_min_height: 10, input_panel_init_height: 20 }));
    expect(panel?.style.minHeight).toBe("75px");
    expect(panel?.style.maxHeight).toBe("175px");
    t.handle(command("set_env", { input_panel_fixed: false }));
    expect(panel?.style.position).toBe("");
    expect(panel?.style.maxHeight).toBe("");
  });

  it("in a notebook widget the page-wide keys change nothing of the page", () => {
    document.title = "JupyterLab";
    const renderer = new Renderer(document.createElement("div"), () => {}, { mode: "widget" });
    renderer.handle([command("set_env", { title: "app", input_panel_fixed: true, output_max_width: "500px" })]);
    expect(document.title).toBe("JupyterLab");
    expect(renderer.root.querySelector<HTMLElement>(".pywebio-forms")?.style.position).toBe("");
    expect(renderer.container.style.maxWidth).toBe("500px");
  });

  it("output_animation and http_pull_interval are accepted without an error", () => {
    const errors = vi.spyOn(console, "error");
    const t = harness();
    t.handle(command("set_env", { output_animation: false, http_pull_interval: 500 }));
    expect(errors).not.toHaveBeenCalled();
    expect(t.renderer.root.querySelector(".pywebio-error")).toBeNull();
  });
});
