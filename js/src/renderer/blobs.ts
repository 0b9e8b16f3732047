/**
 * Binary content received beside the commands (protocol extension `blob`).
 *
 * A spec names bytes by a `BlobRef`; the bytes arrive before that spec, cut into chunks,
 * each announced by a `blob` command whose `buffer` indexes the binary buffers that came
 * with it (the comm message's buffers in a notebook; the tail of a binary WebSocket frame
 * on the server page, see `decodeBlobFrame`). The store joins the chunks into one `Blob`
 * (no copy beyond the chunks themselves) and hands out object URLs per element. Each URL
 * is revoked when its element leaves the document (a `MutationObserver` on the renderer's
 * root), and a blob no element uses any more is dropped: a page-model replay sends it again.
 */
import type { BlobRef, BlobSpec, Command } from "../protocol.gen";
import { isRecord } from "./dom";

/** Marks an element that holds an object URL of this store (for revocation). */
const URL_ATTR = "data-pywebio-blob";

interface Entry {
  size: number;
  mime: string;
  chunks: Array<{ offset: number; bytes: Uint8Array<ArrayBuffer> }>;
  received: number;
  blob: Blob | null;
  /** Elements currently holding an object URL of this blob. */
  users: number;
}

/** The bytes of a buffer as it comes off a transport (ArrayBuffer, DataView, typed array). */
export function toBytes(buffer: unknown): Uint8Array<ArrayBuffer> | null {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (ArrayBuffer.isView(buffer) && buffer.buffer instanceof ArrayBuffer) {
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  return null;
}

/**
 * Split a binary WebSocket frame: `u32 big-endian header length | JSON of a blob command |
 * chunk`. Returns the command and its chunk (buffer 0), or throws with what was wrong.
 */
export function decodeBlobFrame(frame: ArrayBuffer): { command: Command; chunk: Uint8Array<ArrayBuffer> } {
  if (frame.byteLength < 4) throw new Error(`binary frame of ${frame.byteLength} bytes has no header`);
  const length = new DataView(frame).getUint32(0);
  if (4 + length > frame.byteLength) {
    throw new Error(`binary frame header of ${length} bytes is longer than the frame (${frame.byteLength})`);
  }
  const header: unknown = JSON.parse(new TextDecoder().decode(new Uint8Array(frame, 4, length)));
  if (!isRecord(header) || header["command"] !== "blob") {
    throw new Error(`a binary frame must start with a blob command, got ${JSON.stringify(header)}`);
  }
  return { command: header as unknown as Command, chunk: new Uint8Array(frame, 4 + length) };
}

export class BlobStore {
  private readonly entries = new Map<string, Entry>();
  private readonly urls = new WeakMap<Element, { url: string; id: string }>();
  private observer: MutationObserver | null = null;

  /** Store one chunk; throws when it does not fit the blob it names. */
  addChunk(spec: BlobSpec, buffer: unknown): void {
    const bytes = toBytes(buffer);
    if (!bytes) throw new Error(`blob ${spec.id}: no binary buffer #${spec.buffer} came with it`);
    const size = Number(spec.size);
    const offset = Number(spec.offset);
    if (!(offset >= 0 && offset + bytes.byteLength <= size)) {
      throw new Error(`blob ${spec.id}: chunk at ${offset} of ${bytes.byteLength} bytes exceeds its size ${size}`);
    }
    let entry = this.entries.get(spec.id);
    if (!entry || entry.blob) {
      // A complete blob sent again (a replay) starts over.
      entry = { size, mime: String(spec.mime ?? ""), chunks: [], received: 0, blob: null, users: entry?.users ?? 0 };
      this.entries.set(spec.id, entry);
    }
    entry.chunks.push({ offset, bytes });
    entry.received += bytes.byteLength;
    if (entry.received >= entry.size) {
      entry.chunks.sort((a, b) => a.offset - b.offset);
      entry.blob = new Blob(
        entry.chunks.map((c) => c.bytes),
        { type: entry.mime },
      );
      entry.chunks = [];
    }
  }

  /** The complete blob named by `ref`, or null (not received, or incomplete). */
  get(ref: BlobRef): Blob | null {
    return this.entries.get(ref.blob)?.blob ?? null;
  }

  /** Whether the store holds any bytes of `id` (complete or not). */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /**
   * Point `attr` of `element` at an object URL of the blob; false when the blob is
   * missing. The URL is revoked when the element is removed from the renderer's root.
   */
  bind(element: HTMLElement, attr: "src" | "href", ref: BlobRef): boolean {
    const entry = this.entries.get(ref.blob);
    if (!entry?.blob) return false;
    const url = URL.createObjectURL(entry.blob);
    element.setAttribute(attr, url);
    element.setAttribute(URL_ATTR, ref.blob);
    this.urls.set(element, { url, id: ref.blob });
    entry.users += 1;
    return true;
  }

  /** Revoke the URLs of elements under `root` once they are removed for good. */
  watch(root: Node): void {
    if (this.observer || typeof MutationObserver === "undefined") return;
    this.observer = new MutationObserver((records) => {
      for (const record of records) {
        for (const node of Array.from(record.removedNodes)) {
          // A node that was only moved is connected again by the time this runs.
          if (node instanceof Element && !node.isConnected) this.releaseUnder(node);
        }
      }
    });
    this.observer.observe(root, { childList: true, subtree: true });
  }

  /** Revoke the object URLs held by `node` and its descendants. */
  releaseUnder(node: Element): void {
    const holders = node.matches(`[${URL_ATTR}]`) ? [node] : [];
    holders.push(...Array.from(node.querySelectorAll(`[${URL_ATTR}]`)));
    for (const holder of holders) {
      const held = this.urls.get(holder);
      if (!held) continue;
      this.urls.delete(holder);
      holder.removeAttribute(URL_ATTR);
      URL.revokeObjectURL(held.url);
      const entry = this.entries.get(held.id);
      if (entry) {
        entry.users -= 1;
        if (entry.users <= 0) this.entries.delete(held.id);
      }
    }
  }
}
