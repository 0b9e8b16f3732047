/**
 * File upload items (`file_upload`): the file input, the chunked sender, the progress bar.
 *
 * Files never travel inside JSON. When the form is submitted, the view holds the submit
 * back, sends every chosen file as `upload_chunk` events of at most `CHUNK_SIZE` bytes
 * (`UploadChunkData`; the bytes ride beside the JSON), then lets the submit go on: the
 * `from_submit` value of the item lists the files by the blob ids chosen here.
 *
 * The view reaches the transport through a DOM event, `pywebio-nb-upload` (bubbling out
 * of the shadow root), that the page or widget bootstrap answers: on the server page it
 * becomes one binary WebSocket frame (`encodeUploadFrame`: u32 big-endian header length |
 * JSON of the event | chunk, the framing of the `blob` command's frames), in a notebook a
 * comm message whose buffer is the chunk. The listener may hand back a promise that
 * settles when the chunk has left (backpressure, and what the progress bar shows).
 *
 * The limits (`multiple`, `max_size`, `max_total_size`) are checked here before anything
 * is sent, and again in Python, which refuses what a client sends past them.
 */
import type { Event, InputItemOf, UploadChunkData } from "../protocol.gen";
import { h, isRecord, setShownText, str } from "./dom";
import { isStringKey, t } from "./i18n";
import type { ItemHooks, ItemView } from "./inputs";

/** Bytes per chunk (the Python side's `CHUNK_SIZE`). */
export const CHUNK_SIZE = 1 << 20;
/** The DOM event a view dispatches for each chunk (see `UploadRequest`). */
export const UPLOAD_EVENT = "pywebio-nb-upload";

/** The `upload_chunk` event, as `Event` narrows it. */
export type UploadChunkEvent = Extract<Event, { event: "upload_chunk" }>;

/** `detail` of an `UPLOAD_EVENT`: the transport sets `accepted` and may set `sent`. */
export interface UploadRequest {
  event: UploadChunkEvent;
  chunk: Uint8Array<ArrayBuffer>;
  accepted: boolean;
  sent: Promise<void> | null;
}

/** What `from_submit` carries per file: the bytes went ahead under `blob`. */
export interface FileEntry {
  blob: string;
  filename: string;
  mime_type: string;
  size: number;
  last_modified: number;
}

/** The (offset, length) of each chunk of a file of `size` bytes; an empty file is one empty chunk. */
export function planChunks(size: number, chunkSize = CHUNK_SIZE): Array<[number, number]> {
  const plan: Array<[number, number]> = [];
  let offset = 0;
  do {
    plan.push([offset, Math.min(chunkSize, size - offset)]);
    offset += chunkSize;
  } while (offset < size);
  return plan;
}

/** One binary WebSocket frame: u32 big-endian header length | UTF-8 JSON header | chunk. */
export function encodeUploadFrame(event: UploadChunkEvent, chunk: Uint8Array): Uint8Array<ArrayBuffer> {
  const header = new TextEncoder().encode(JSON.stringify(event));
  const frame = new Uint8Array(4 + header.byteLength + chunk.byteLength);
  new DataView(frame.buffer).setUint32(0, header.byteLength);
  frame.set(header, 4);
  frame.set(chunk, 4 + header.byteLength);
  return frame;
}

function sizeText(size: number): string {
  for (const [unit, scale] of [
    ["G", 1 << 30],
    ["M", 1 << 20],
    ["K", 1 << 10],
  ] as const) {
    if (size >= scale) return `${Number((size / scale).toPrecision(3))}${unit}`;
  }
  return `${size} bytes`;
}

/** The limits of a file item, as sent by `file_upload` (0 or absent: no limit). */
export interface UploadLimits {
  multiple?: boolean | undefined;
  max_size?: number | undefined;
  max_total_size?: number | undefined;
}

/** The message that refuses `files` under `limits` (Python's, translated by its key), or null. */
export function checkLimits(files: ReadonlyArray<{ size: number }>, limits: UploadLimits): string | null {
  if (!limits.multiple && files.length > 1) return t("upload_one_file");
  const maxSize = Number(limits.max_size ?? 0);
  if (maxSize > 0 && files.some((f) => f.size > maxSize)) return t("upload_max_size", undefined, [sizeText(maxSize)]);
  const maxTotal = Number(limits.max_total_size ?? 0);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (maxTotal > 0 && total > maxTotal) return t("upload_max_total_size", undefined, [sizeText(maxTotal)]);
  return null;
}

/** Sends one chunk; resolves when the transport has taken (or sent) it. */
export type ChunkSender = (event: UploadChunkEvent, chunk: Uint8Array<ArrayBuffer>) => Promise<void>;

let uploads = 0;

/**
 * Send `files` for item `name` of the form `taskId`, chunk by chunk and file after file
 * (reading one slice at a time: a large file is never in memory whole). `onProgress`
 * gets the bytes sent so far and the total. Returns the entries for `from_submit`.
 */
export async function sendFiles(
  files: readonly File[],
  name: string,
  taskId: string,
  send: ChunkSender,
  onProgress: (sent: number, total: number) => void = () => {},
  chunkSize = CHUNK_SIZE,
): Promise<FileEntry[]> {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let sent = 0;
  const entries: FileEntry[] = [];
  for (const file of files) {
    const blob = `u${++uploads}-${Math.random().toString(36).slice(2, 10)}`;
    for (const [offset, length] of planChunks(file.size, chunkSize)) {
      const chunk = new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
      const data: UploadChunkData = { name, blob, offset, size: file.size, buffer: 0 };
      await send({ event: "upload_chunk", task_id: taskId, data }, chunk);
      sent += length;
      onProgress(sent, total);
    }
    entries.push({
      blob,
      filename: file.name,
      mime_type: file.type,
      size: file.size,
      last_modified: file.lastModified / 1000,
    });
  }
  return entries;
}

/** A `ChunkSender` that asks the bootstrap around `target` through an `UPLOAD_EVENT`. */
export function domSender(target: Element): ChunkSender {
  return async (event, chunk) => {
    const detail: UploadRequest = { event, chunk, accepted: false, sent: null };
    target.dispatchEvent(new CustomEvent(UPLOAD_EVENT, { detail, bubbles: true, composed: true }));
    if (!detail.accepted) throw new Error("this page has no transport that can upload files");
    await detail.sent;
  };
}

/** The file item: a file input, its progress bar; uploads on submit. */
export class FileView implements ItemView {
  readonly name: string;
  readonly type = "file";
  readonly element: HTMLElement;
  readonly control: HTMLInputElement;
  private readonly label: HTMLLabelElement;
  private readonly invalid = h("div", { class: "invalid-feedback" });
  private readonly help = h("small", { class: "form-text" });
  private readonly bar = h("div", { class: "progress-bar", role: "progressbar", style: "width:0%" });
  private readonly progress = h("div", { class: "progress pywebio-upload__progress", hidden: true }, this.bar);
  private limits: UploadLimits;
  /** Entries of the upload done for the submit under way (null: upload before submitting). */
  private uploaded: FileEntry[] | null = null;
  private uploading = false;
  private form: HTMLFormElement | null = null;
  private send: ChunkSender;

  constructor(
    readonly spec: InputItemOf<"file">,
    _hooks: ItemHooks,
  ) {
    this.name = str(spec.name);
    this.limits = { multiple: spec.multiple, max_size: spec.max_size, max_total_size: spec.max_total_size };
    const id = `pywebio-nb-file-${++uploads}`;
    this.control = h("input", {
      id,
      type: "file",
      class: "form-control",
      name: this.name,
      accept: spec.accept ? str(spec.accept) : null,
      multiple: spec.multiple === true,
      disabled: spec.disabled === true,
      required: spec.required === true,
      title: spec.placeholder ? str(spec.placeholder) : null,
      "aria-label": spec.placeholder ? str(spec.placeholder) : null,
    });
    this.label = h("label", { class: "form-label", for: id });
    setShownText(this.label, spec.label);
    setShownText(this.help, spec.help_text);
    this.element = h(
      "div",
      { class: "pywebio-form-item", "data-name": this.name, "data-type": "file" },
      this.label,
      h("div", { class: "pywebio-form-item__control" }, this.control, this.progress),
      this.invalid,
      this.help,
    );
    this.send = domSender(this.element);
    this.control.addEventListener("change", () => this.onChange());
  }

  /** Replace how chunks are sent (tests; the default asks the page through a DOM event). */
  setSender(send: ChunkSender): void {
    this.send = send;
  }

  private files(): File[] {
    return Array.from(this.control.files ?? []);
  }

  private onChange(): void {
    this.attach();
    this.showError(checkLimits(this.files(), this.limits));
  }

  /** Hold the form's submit back until this item's files are sent (once, on first use). */
  private attach(): void {
    const form = this.control.form;
    if (!form || form === this.form) return;
    this.form = form;
    // Capturing on the form runs before the form's own submit listener.
    form.addEventListener("submit", (event) => this.onSubmit(event), { capture: true });
    form.addEventListener("reset", () => {
      this.uploaded = null;
      this.showError(null);
    });
  }

  private onSubmit(event: SubmitEvent): void {
    if (this.uploaded !== null) return; // this submit carries our entries
    const files = this.files();
    const error = checkLimits(files, this.limits);
    if (!this.uploading && !error && files.length === 0) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (this.uploading) return;
    if (error) {
      this.showError(error);
      return;
    }
    this.upload(files, event.submitter);
  }

  private upload(files: File[], submitter: HTMLElement | null): void {
    const form = this.form;
    const taskId = form?.dataset["taskId"] ?? "";
    this.uploading = true;
    this.showError(null);
    this.setProgress(0, 1);
    this.progress.hidden = false;
    sendFiles(files, this.name, taskId, this.send, (sent, total) => this.setProgress(sent, total))
      .then((entries) => {
        this.uploaded = entries;
        this.uploading = false;
        if (!form?.isConnected) return;
        const button = submitter instanceof HTMLButtonElement && submitter.form === form ? submitter : null;
        if (button) form.requestSubmit(button);
        else form.requestSubmit();
      })
      .catch((error: unknown) => {
        this.uploading = false;
        this.progress.hidden = true;
        this.showError(t("upload_failed", undefined, [error instanceof Error ? error.message : String(error)]));
      })
      .finally(() => {
        // The next submit (after a validation error) sends the files again.
        queueMicrotask(() => {
          this.uploaded = null;
        });
      });
  }

  private setProgress(sent: number, total: number): void {
    const percent = total > 0 ? Math.round((100 * sent) / total) : 100;
    this.bar.style.width = `${percent}%`;
    this.bar.setAttribute("aria-valuenow", String(percent));
    this.bar.textContent = `${percent}%`;
  }

  private showError(message: string | null): void {
    this.invalid.textContent = message ?? "";
    this.control.classList.toggle("is-invalid", message !== null);
    this.invalid.classList.toggle("pywebio-show", message !== null);
  }

  getValue(): unknown {
    return this.uploaded ?? [];
  }

  setValue(): void {
    // A file input's value cannot be set from code (browsers forbid it).
  }

  update(attributes: Record<string, unknown>): void {
    if ("label" in attributes) setShownText(this.label, attributes["label"]);
    if ("help_text" in attributes) setShownText(this.help, attributes["help_text"]);
    for (const key of ["disabled", "required"] as const) {
      if (key in attributes) this.control[key] = attributes[key] === true;
    }
    if (isRecord(attributes) && ("max_size" in attributes || "max_total_size" in attributes)) {
      this.limits = { ...this.limits, ...(attributes as UploadLimits) };
    }
    if (attributes["valid_status"] === false) {
      this.progress.hidden = true;
      // Python's own upload errors come by key, as the other items' validation messages.
      const key = attributes["invalid_feedback_key"];
      const args = attributes["invalid_feedback_args"];
      this.showError(
        isStringKey(key)
          ? t(key, undefined, Array.isArray(args) ? args : [])
          : str(attributes["invalid_feedback"], this.invalid.textContent ?? ""),
      );
    } else if (attributes["valid_status"] === true || attributes["valid_status"] === 0) {
      this.showError(null);
    }
  }

  focus(): void {
    this.control.focus();
  }
}
