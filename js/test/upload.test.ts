/** file_upload: the chunker, the frame encoding, the limits and the form's upload-then-submit. */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { UploadChunkEvent } from "../src/renderer/upload";
import {
  CHUNK_SIZE,
  checkLimits,
  encodeUploadFrame,
  planChunks,
  sendFiles,
  UPLOAD_EVENT,
  type UploadRequest,
} from "../src/renderer/upload";
import { command, harness } from "./helpers";

function collect(): {
  chunks: Array<{ event: UploadChunkEvent; bytes: number[] }>;
  send: (e: UploadChunkEvent, c: Uint8Array) => Promise<void>;
} {
  const chunks: Array<{ event: UploadChunkEvent; bytes: number[] }> = [];
  return {
    chunks,
    send: async (event, chunk) => {
      chunks.push({ event, bytes: Array.from(chunk) });
    },
  };
}

describe("upload chunker", () => {
  it("cuts a file into chunks of at most CHUNK_SIZE; an empty file is one empty chunk", () => {
    expect(planChunks(0)).toEqual([[0, 0]]);
    expect(planChunks(CHUNK_SIZE)).toEqual([[0, CHUNK_SIZE]]);
    expect(planChunks(2 * CHUNK_SIZE + 5)).toEqual([
      [0, CHUNK_SIZE],
      [CHUNK_SIZE, CHUNK_SIZE],
      [2 * CHUNK_SIZE, 5],
    ]);
  });

  it("sends every byte in order, file after file, and reports progress", async () => {
    const a = new File([new Uint8Array([1, 2, 3, 4, 5, 6, 7])], "a.bin", { type: "x/y", lastModified: 5000 });
    const b = new File([new Uint8Array([9])], "b.bin");
    const { chunks, send } = collect();
    const progress: number[] = [];
    const entries = await sendFiles([a, b], "f", "task-1", send, (sent) => progress.push(sent), 3);
    expect(chunks.map((c) => [c.event.data.offset, c.bytes])).toEqual([
      [0, [1, 2, 3]],
      [3, [4, 5, 6]],
      [6, [7]],
      [0, [9]],
    ]);
    expect(chunks.every((c) => c.event.event === "upload_chunk" && c.event.task_id === "task-1")).toBe(true);
    expect(chunks[0]?.event.data).toMatchObject({ name: "f", size: 7, buffer: 0 });
    expect(progress).toEqual([3, 6, 7, 8]);
    expect(entries.map((e) => [e.filename, e.mime_type, e.size, e.last_modified])).toEqual([
      ["a.bin", "x/y", 7, 5],
      ["b.bin", "", 1, expect.any(Number)],
    ]);
    expect(entries[0]?.blob).toBe(chunks[0]?.event.data.blob);
    expect(entries[0]?.blob).not.toBe(entries[1]?.blob);
  });

  it("encodes a binary frame as u32 header length | JSON | chunk", () => {
    const event: UploadChunkEvent = {
      event: "upload_chunk",
      task_id: "t",
      data: { name: "f", blob: "b", offset: 0, size: 2, buffer: 0 },
    };
    const frame = encodeUploadFrame(event, new Uint8Array([7, 8]));
    const length = new DataView(frame.buffer).getUint32(0);
    expect(JSON.parse(new TextDecoder().decode(frame.slice(4, 4 + length)))).toEqual(event);
    expect(Array.from(frame.slice(4 + length))).toEqual([7, 8]);
  });

  it("checks the limits with Python's messages", () => {
    const sizes = (...s: number[]) => s.map((size) => ({ size }));
    expect(checkLimits(sizes(1, 2), {})).toBe("Only one file can be uploaded here.");
    expect(checkLimits(sizes(1025), { max_size: 1024 })).toBe("A file is larger than the limit of 1K.");
    expect(checkLimits(sizes(1000, 1000), { multiple: true, max_total_size: 1500 })).toBe(
      "The files are larger than the total limit of 1.46K.",
    );
    expect(checkLimits(sizes(1000, 500), { multiple: true, max_total_size: 1500, max_size: 1000 })).toBeNull();
  });
});

describe("file item in a form", () => {
  function fileForm(item: Record<string, unknown>) {
    const t = harness();
    document.body.append(t.renderer.root.host); // a form submits only when it is in a document
    t.handle(command("input_group", { label: "F", inputs: [{ type: "file", name: "data", ...item }] }, "task"));
    const form = t.renderer.root.querySelector<HTMLFormElement>("form.pywebio-form");
    const input = form?.querySelector<HTMLInputElement>('input[type="file"]');
    if (!form || !input) throw new Error("no file form");
    const requests: UploadRequest[] = [];
    // The bootstrap's part: take each chunk (as page.ts / widget.ts do).
    t.renderer.root.host.addEventListener(UPLOAD_EVENT, (event) => {
      const request = (event as CustomEvent<UploadRequest>).detail;
      request.accepted = true;
      request.sent = Promise.resolve();
      requests.push(request);
    });
    const choose = (...files: File[]) => {
      Object.defineProperty(input, "files", { value: files, configurable: true });
      input.dispatchEvent(new Event("change"));
    };
    return { ...t, form, input, requests, choose };
  }

  it("sends the chunks, then from_submit naming them; a progress bar shows", async () => {
    const f = fileForm({ accept: "image/*", multiple: true });
    expect(f.input.accept).toBe("image/*");
    expect(f.input.multiple).toBe(true);
    f.choose(new File(["hello"], "dir/h.txt", { type: "text/plain" }));
    f.form.requestSubmit();
    await expect.poll(() => f.sent.length).toBe(1);
    expect(f.requests.map((r) => Array.from(r.chunk))).toEqual([Array.from(new TextEncoder().encode("hello"))]);
    const submitted = f.sent[0];
    expect(submitted?.event).toBe("from_submit");
    const entries = (submitted?.data ?? {}) as Record<string, unknown>;
    const blob = f.requests[0]?.event.data.blob ?? "missing";
    expect(entries["data"]).toEqual([expect.objectContaining({ blob, filename: "dir/h.txt" })]);
    const bar = f.form.querySelector<HTMLElement>(".progress-bar");
    expect(bar?.style.width).toBe("100%");
    expect(bar?.closest(".progress")?.hasAttribute("hidden")).toBe(false);
  });

  it("refuses a file over max_size in the browser and sends nothing", () => {
    const f = fileForm({ max_size: 4 });
    f.choose(new File(["too long"], "x"));
    f.form.requestSubmit();
    expect(f.requests).toEqual([]);
    expect(f.sent).toEqual([]);
    expect(f.form.querySelector(".invalid-feedback")?.textContent).toBe("A file is larger than the limit of 4 bytes.");
  });

  it("shows its label and help text, hides them while empty, and update_input changes them", () => {
    const f = fileForm({ label: "Pictures", help_text: "" });
    const label = f.form.querySelector<HTMLElement>(".pywebio-form-item .form-label");
    const help = f.form.querySelector<HTMLElement>(".pywebio-form-item .form-text");
    expect([label?.textContent, label?.hidden, help?.hidden]).toEqual(["Pictures", false, true]);
    f.handle(
      command("update_input", { target_name: "data", attributes: { label: "", help_text: "PNG only" } }, "task"),
    );
    expect([label?.hidden, help?.textContent, help?.hidden]).toEqual([true, "PNG only", false]);
  });

  it("shows Python's error from update_input and uploads again on the next submit", async () => {
    const f = fileForm({});
    f.choose(new File(["abc"], "a"));
    f.form.requestSubmit();
    await expect.poll(() => f.sent.length).toBe(1);
    f.handle(
      command(
        "update_input",
        { target_name: "data", attributes: { valid_status: false, invalid_feedback: "Too big." } },
        "task",
      ),
    );
    expect(f.form.querySelector(".invalid-feedback")?.textContent).toBe("Too big.");
    f.form.requestSubmit();
    await expect.poll(() => f.sent.length).toBe(2);
    expect(f.requests.length).toBe(2);
  });

  describe("in the browser's language", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("the browser's own limit check speaks German", () => {
      vi.spyOn(navigator, "language", "get").mockReturnValue("de-DE");
      const f = fileForm({ max_size: 2048 });
      f.choose(new File(["x".repeat(3000)], "x"));
      expect(f.form.querySelector(".invalid-feedback")?.textContent).toBe(
        "Eine Datei ist größer als das Limit von 2K.",
      );
    });

    it("Python's upload error sent by key is shown in Japanese; an unknown key falls back to the text", () => {
      vi.spyOn(navigator, "language", "get").mockReturnValue("ja-JP");
      const f = fileForm({});
      const refuse = (attributes: Record<string, unknown>) =>
        f.handle(
          command("update_input", { target_name: "data", attributes: { valid_status: false, ...attributes } }, "task"),
        );
      refuse({
        invalid_feedback: "The files are larger than the total limit of 3M.",
        invalid_feedback_key: "upload_max_total_size",
        invalid_feedback_args: ["3M"],
      });
      const feedback = f.form.querySelector(".invalid-feedback");
      expect(feedback?.textContent).toBe("ファイルの合計が上限の 3M を超えています。");
      refuse({ invalid_feedback: "As sent.", invalid_feedback_key: "no-such-key" });
      expect(feedback?.textContent).toBe("As sent.");
    });
  });
});
