/**
 * anywidget (0.11) front end module: `export default { initialize, render }`.
 *
 * One renderer per model, created in `initialize` on a detached host element, so that
 * commands (and the `ping` handshake) are handled even before any view exists. `render`
 * moves that host into the view's element; a second view takes it over.
 */
import type { Event } from "../protocol.gen";
import { Renderer } from "../renderer/renderer";

/** The part of anywidget's AFM model API this module uses. */
interface AnyModel {
  get(name: "key"): string;
  on(name: "msg:custom", callback: (content: unknown, buffers: readonly DataView[]) => void): void;
  off(name: "msg:custom", callback: (content: unknown, buffers: readonly DataView[]) => void): void;
  send(content: Event, callbacks?: unknown, buffers?: ArrayBuffer[]): void;
}

interface InitializeProps {
  model: AnyModel;
}

interface RenderProps {
  model: AnyModel;
  el: HTMLElement;
}

// Keyed by the widget's unique `key` trait: anywidget hands `initialize` and
// `render` different proxy objects for the same model, so the object is no key.
const hosts = new Map<string, HTMLElement>();

function initialize({ model }: InitializeProps): () => void {
  const host = document.createElement("div");
  host.className = "pywebio-nb-host";
  const renderer = new Renderer(host, (event) => model.send(event), { mode: "widget" });
  const onMessage = (content: unknown): void => renderer.handle(content);
  model.on("msg:custom", onMessage);
  const key = model.get("key");
  hosts.set(key, host);
  return () => {
    model.off("msg:custom", onMessage);
    hosts.delete(key);
  };
}

function render({ model, el }: RenderProps): () => void {
  const host = hosts.get(model.get("key"));
  if (!host) {
    const message = "pywebio_nb: render() called before initialize(); this anywidget version is not supported";
    console.error(message);
    el.textContent = message;
    return () => {};
  }
  el.append(host);
  return () => {
    if (host.parentElement === el) host.remove();
  };
}

export default { initialize, render };
