/** The media family: file downloads (binary payloads travel base64-encoded). */
import type { OutputOf, OutputType } from "../../protocol.gen";
import { base64ToBytes, h, saveBytes, str } from "../dom";
import type { FamilyRenderers } from "./types";

/** The output types this file renders; `MEDIA_RENDERERS` has exactly these keys. */
export const MEDIA_TYPES = ["file"] as const satisfies readonly OutputType[];

function renderFile(spec: OutputOf<"file">): HTMLElement {
  const name = str(spec.name, "download");
  const label = str(spec.label, name);
  const button = h("button", { type: "button", class: "btn btn-link pywebio-file__link" }, label);
  button.addEventListener("click", () => saveBytes(name, base64ToBytes(str(spec.content))));
  return h("div", { class: "pywebio-file" }, button);
}

export const MEDIA_RENDERERS: FamilyRenderers<typeof MEDIA_TYPES> = {
  file: renderFile,
};
