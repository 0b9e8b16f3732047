/**
 * The media family: images and file downloads. Their bytes are blobs (see `../blobs.ts`):
 * they arrived before the spec, beside the JSON, and an element gets an object URL of them.
 */
import type { BlobRef, OutputOf, OutputType } from "../../protocol.gen";
import type { RenderContext } from "../context";
import { h, isRecord, str } from "../dom";
import type { FamilyRenderers } from "./types";

/** The output types this file renders; `MEDIA_RENDERERS` has exactly these keys. */
export const MEDIA_TYPES = ["file", "image"] as const satisfies readonly OutputType[];

/** URL schemes an image may not load from (a URL string comes from app code or its users). */
const UNSAFE_URL = /^\s*(javascript|vbscript):/i;

function isBlobRef(value: unknown): value is BlobRef {
  return isRecord(value) && typeof value["blob"] === "string";
}

/** A visible placeholder (and a logged error) when a blob the spec names never arrived. */
function missing(what: string, ref: unknown): HTMLElement {
  const id = isBlobRef(ref) ? ref.blob : JSON.stringify(ref);
  const message = `${what}: its bytes (blob ${id}) did not arrive`;
  console.error(`pywebio_nb: ${message}`);
  return h("div", { class: "pywebio-error" }, `pywebio_nb: ${message}`);
}

function renderImage(spec: OutputOf<"image">, ctx: RenderContext): HTMLElement {
  const img = h("img", { class: "pywebio-image", alt: str(spec.title) });
  if (spec.width) img.style.width = str(spec.width);
  if (spec.height) img.style.height = str(spec.height);
  const src: unknown = spec.src;
  if (isBlobRef(src)) {
    if (!ctx.blobs.bind(img, "src", src)) return missing("put_image", src);
  } else if (typeof src === "string" && !UNSAFE_URL.test(src)) {
    img.src = src;
  } else {
    ctx.reportError(`put_image: refused the image source ${JSON.stringify(src)}`);
  }
  return img;
}

function renderFile(spec: OutputOf<"file">, ctx: RenderContext): HTMLElement {
  const name = str(spec.name, "download");
  const link = h("a", { class: "pywebio-file__link", download: name }, str(spec.label, name));
  if (!ctx.blobs.bind(link, "href", spec.content)) return missing("put_file", spec.content);
  return h("div", { class: "pywebio-file" }, link);
}

export const MEDIA_RENDERERS: FamilyRenderers<typeof MEDIA_TYPES> = {
  file: renderFile,
  image: renderImage,
};
