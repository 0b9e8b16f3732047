/**
 * anywidget (0.11) front end module: `export default { initialize, render }`.
 *
 * One renderer per model, created in `initialize` on a detached host element, so that
 * commands (and the `ping` handshake) are handled even before any view exists. `render`
 * moves that host into the view's element; a second view takes it over.
 */
import type { AnyWidget, Initialize, Render } from "@anywidget/types";
import { Renderer } from "../renderer/renderer";
import { UPLOAD_EVENT, type UploadRequest } from "../renderer/upload";

/** The synced traits of `pywebio_nb.jupyter._widget` that this module reads. */
interface WidgetModel {
  key: string;
  root_id: string;
}

// Keyed by the widget's unique `key` trait: anywidget hands `initialize` and
// `render` different proxy objects for the same model, so the object is no key.
const hosts = new Map<string, HTMLElement>();

const initialize: Initialize<WidgetModel> = ({ model }) => {
  const host = document.createElement("div");
  host.className = "pywebio-nb-host";
  const renderer = new Renderer(host, (event) => model.send(event), { mode: "widget" });
  // A kernel->frontend custom message is a JSON list of commands (see protocol.py); its
  // binary buffers are the chunks that its `blob` commands index.
  const onMessage = (content: unknown, buffers?: readonly unknown[]): void => renderer.handle(content, buffers);
  model.on("msg:custom", onMessage);
  // An uploaded file's chunk: the event as the content, the bytes as the message's buffer.
  const onUpload = (event: globalThis.Event): void => {
    const request = (event as CustomEvent<UploadRequest>).detail;
    request.accepted = true;
    model.send(request.event, undefined, [request.chunk]);
    // Yield to the event loop between chunks so the page stays responsive.
    request.sent = new Promise((resolve) => setTimeout(resolve, 0));
  };
  host.addEventListener(UPLOAD_EVENT, onUpload);
  const key = model.get("key");
  hosts.set(key, host);
  return () => {
    model.off("msg:custom", onMessage);
    host.removeEventListener(UPLOAD_EVENT, onUpload);
    hosts.delete(key);
  };
};

const render: Render<WidgetModel> = ({ model, el }) => {
  const host = hosts.get(model.get("key"));
  if (!host) {
    const message = "pywebio_nb: render() called before initialize(); this anywidget version is not supported";
    console.error(message);
    el.textContent = message;
    return;
  }
  el.append(host);
  return () => {
    if (host.parentElement === el) host.remove();
  };
};

export default { initialize, render } satisfies AnyWidget<WidgetModel>;
