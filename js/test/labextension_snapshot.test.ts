/**
 * The JupyterLab extension's snapshot renderer (labextension/snapshot/): decoding a saved
 * cell root and drawing it read-only with this renderer. In js/ because it runs the
 * renderer's own sources under this Vitest setup (jsdom, styles as empty text).
 */
import { describe, expect, it } from "vitest";
import { decodeSnapshot } from "../../labextension/snapshot/decode";
import { renderSnapshot } from "../../labextension/snapshot/entry";
import { command, output } from "./helpers";

const BYTES = [0x89, 0x50, 0x4e, 0x47, 1, 2, 3];
const BASE64 = btoa(String.fromCharCode(...BYTES));

function saved(commands: unknown[], buffers: string[] = []): unknown {
  return { version: 1, root: "r-1", commands, buffers };
}

describe("decodeSnapshot", () => {
  it("decodes the buffers from base64 and keeps the commands", () => {
    const blob = command("blob", { id: "b", buffer: 0, offset: 0, size: BYTES.length, mime: "image/png" });
    const snapshot = decodeSnapshot(saved([blob], [BASE64]));
    expect(snapshot.root).toBe("r-1");
    expect(snapshot.commands).toEqual([blob]);
    expect(Array.from(snapshot.buffers[0] ?? [])).toEqual(BYTES);
  });

  it.each([
    [null, /JSON object/],
    [{ version: 2, commands: [] }, /version 2 .* update the pywebio_nb package/],
    [{ commands: [] }, /version undefined/],
    [{ version: 1, commands: {} }, /commands must be a list/],
    [{ version: 1, commands: [{ spec: {} }] }, /commands must be a list/],
    [{ version: 1, commands: [], buffers: [1] }, /base64 strings/],
  ])("refuses %j saying what is wrong", (data, message) => {
    expect(() => decodeSnapshot(data)).toThrow(message);
  });
});

describe("renderSnapshot", () => {
  it("draws the content read-only: controls disabled, no script run, no toast", () => {
    const host = document.createElement("div");
    document.body.append(host);
    (window as unknown as Record<string, unknown>)["__ran"] = undefined;
    const renderer = renderSnapshot(
      host,
      saved([
        output({ type: "text", content: "saved text", inline: false }),
        output({ type: "buttons", callback_id: "cb", buttons: [{ label: "Click", value: 0 }] }),
        command("input_group", { label: "", inputs: [{ type: "text", label: "Name", name: "data" }] }, "form-1"),
        command("run_script", { code: "window.__ran = 1", args: {} }),
        command("toast", { content: "a toast", duration: 2, position: "center", color: "info" }),
      ]),
    );
    const root = renderer.root;
    expect(root.textContent).toContain("saved text");
    expect(root.textContent).not.toContain("a toast");
    const controls = Array.from(root.querySelectorAll<HTMLButtonElement | HTMLInputElement>("button, input"));
    expect(controls.length).toBeGreaterThanOrEqual(3);
    expect(controls.every((c) => c.disabled)).toBe(true);
    expect((window as unknown as Record<string, unknown>)["__ran"]).toBeUndefined();
    host.remove();
  });

  it("throws on data that is not a snapshot (the extension shows the message)", () => {
    expect(() => renderSnapshot(document.createElement("div"), { version: 9 })).toThrow(/version 9/);
  });
});
