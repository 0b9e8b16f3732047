/**
 * The snapshot renderer bundled for the JupyterLab extension (by build_snapshot.mjs, with
 * the same esbuild options as js/): pywebio_nb's one Renderer, drawing a saved cell root
 * read-only. JupyterLab loads this module lazily, the first time a snapshot is shown.
 */
import type { Event } from "../../js/src/protocol.gen";
import { Renderer } from "../../js/src/renderer/renderer";
import { decodeSnapshot, READ_ONLY_DROPPED } from "./decode";

export { decodeSnapshot, SNAPSHOT_MIME } from "./decode";

/** Form controls a saved output must not offer (nothing would answer them). */
const CONTROLS = "button, input, select, textarea, fieldset";

/**
 * Draw `data` (the value of a `application/vnd.pywebio-nb.snapshot+json` output) into
 * `host`, read-only: the commands that act on the page rather than draw it are left out,
 * no event is ever sent, every control is disabled. Throws with what was wrong when
 * `data` is not a snapshot this version understands.
 */
export function renderSnapshot(host: HTMLElement, data: unknown): Renderer {
  const snapshot = decodeSnapshot(data);
  const ignore = (_event: Event): void => {};
  const renderer = new Renderer(host, ignore, { mode: "widget" });
  renderer.container.classList.add("pywebio-nb--snapshot");
  const drawn = snapshot.commands.filter((c) => !READ_ONLY_DROPPED.has(c.command));
  renderer.handle(drawn, snapshot.buffers);
  disableControls(renderer.root);
  return renderer;
}

/** Disable every control now in `root` (the snapshot is drawn once, synchronously). */
function disableControls(root: ShadowRoot): void {
  for (const control of Array.from(
    root.querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLFieldSetElement>(CONTROLS),
  )) {
    control.disabled = true;
  }
}
