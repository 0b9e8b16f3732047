/** `run_script` and `download`. */
import type { DownloadSpec, RunScriptSpec } from "../protocol.gen";
import type { RenderContext } from "./context";
import { h, isRecord, str } from "./dom";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Run `spec.code` with `spec.args` as local variables. With `spec.eval` the value of
 * the code (awaited when it is a promise; null when it throws or rejects) is sent back
 * as `js_yield`. Eval mode uses a direct `eval` inside the function so both an
 * expression and a statement list give their completion value.
 */
export function runScript(ctx: RenderContext, taskId: string | null, spec: RunScriptSpec): void {
  const args = isRecord(spec.args) ? spec.args : {};
  const names = Object.keys(args).filter((name) => IDENTIFIER.test(name));
  const values = names.map((name) => args[name]);
  const code = str(spec.code);
  const body = spec.eval ? `return eval(${JSON.stringify(code)});` : code;
  const reply = (data: unknown): void =>
    ctx.send({ event: "js_yield", task_id: taskId, data: data === undefined ? null : data });
  let result: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running user code is the point
    const fn = new Function(...names, body) as (...a: unknown[]) => unknown;
    result = fn(...values);
  } catch (error) {
    console.error("pywebio_nb: error in run_script code", error);
    if (spec.eval) reply(null);
    return;
  }
  if (!spec.eval) return;
  Promise.resolve(result).then(
    (value) => reply(toJson(value)),
    (error: unknown) => {
      console.error("pywebio_nb: eval_js promise rejected", error);
      reply(null);
    },
  );
}

/** Keep only what survives JSON (DOM nodes, functions... become null). */
function toJson(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : (JSON.parse(text) as unknown);
  } catch {
    console.warn("pywebio_nb: eval_js result is not JSON-serializable; sending null");
    return null;
  }
}

/** How long a download's object URL stays valid (some browsers read it after `click`). */
export const DOWNLOAD_URL_LIFETIME_MS = 10_000;

/**
 * Save the blob `spec.content` names (its bytes came before this command) as a file.
 * The link holds the store's object URL; once released, the store drops the bytes.
 */
export function download(ctx: RenderContext, spec: DownloadSpec): void {
  const name = str(spec.name, "download");
  const ref = isRecord(spec.content) ? spec.content : null;
  const link = h("a", { download: name, style: "display:none" });
  if (!ref || !ctx.blobs.bind(link, "href", ref)) {
    throw new Error(`download ${JSON.stringify(name)}: its bytes did not arrive (content ${JSON.stringify(ref)})`);
  }
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => ctx.blobs.releaseUnder(link), DOWNLOAD_URL_LIFETIME_MS);
}
