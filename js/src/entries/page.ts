/**
 * Server page bootstrap: mount the renderer on `#pywebio-nb-root` and talk to the
 * server over a WebSocket on the page's own URL (`?app=NAME&session=NEW`, as PyWebIO).
 * Text frames carry JSON batches of commands; binary frames carry one blob chunk each
 * (`decodeBlobFrame`), always before the batch that uses the blob. The other way, an
 * uploaded file's chunks leave as binary frames (`encodeUploadFrame`), one per chunk, each
 * sent once the socket's buffer has drained below a chunk (the progress bar shows that).
 */
import type { Event } from "../protocol.gen";
import { decodeBlobFrame } from "../renderer/blobs";
import { Renderer } from "../renderer/renderer";
import { CHUNK_SIZE, encodeUploadFrame, UPLOAD_EVENT, type UploadRequest } from "../renderer/upload";

/** Resolve once `ws` has less than a chunk buffered (polled: WebSocket has no drain event). */
function drained(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (ws.readyState !== WebSocket.OPEN) reject(new Error("the connection to the server is closed"));
      else if (ws.bufferedAmount < CHUNK_SIZE) resolve();
      else setTimeout(check, 5);
    };
    check();
  });
}

function socketUrl(): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const params = new URLSearchParams(location.search);
  params.set("session", "NEW");
  return `${scheme}//${location.host}${location.pathname}?${params.toString()}`;
}

function mount(): void {
  let host = document.getElementById("pywebio-nb-root");
  if (!host) {
    host = document.createElement("div");
    host.id = "pywebio-nb-root";
    document.body.append(host);
  }
  let ws: WebSocket | null = null;
  const pending: string[] = [];
  const send = (event: Event): void => {
    const frame = JSON.stringify(event);
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(frame);
    else pending.push(frame);
  };
  const renderer = new Renderer(host, send, { mode: "page" });
  host.addEventListener(UPLOAD_EVENT, (event) => {
    const request = (event as CustomEvent<UploadRequest>).detail;
    request.accepted = true;
    const socket = ws;
    request.sent =
      socket && socket.readyState === WebSocket.OPEN
        ? drained(socket).then(() => {
            socket.send(encodeUploadFrame(request.event, request.chunk));
            return drained(socket);
          })
        : Promise.reject(new Error("the connection to the server is not open"));
  });

  ws = new WebSocket(socketUrl());
  ws.binaryType = "arraybuffer";
  ws.addEventListener("open", () => {
    for (const frame of pending.splice(0)) ws?.send(frame);
  });
  ws.addEventListener("message", (message: MessageEvent<unknown>) => {
    if (message.data instanceof ArrayBuffer) {
      let decoded: ReturnType<typeof decodeBlobFrame>;
      try {
        decoded = decodeBlobFrame(message.data);
      } catch (error) {
        renderer.reportError("the server sent a binary frame that is not a blob chunk", error);
        return;
      }
      renderer.handle([decoded.command], [decoded.chunk]);
      return;
    }
    if (typeof message.data !== "string") {
      renderer.reportError(`the server sent a frame of unexpected type ${typeof message.data}`);
      return;
    }
    let commands: unknown;
    try {
      commands = JSON.parse(message.data);
    } catch (error) {
      renderer.reportError("the server sent a frame that is not JSON", error);
      return;
    }
    renderer.handle(commands);
  });
  ws.addEventListener("close", () => renderer.showDisconnected());
  renderer.onSessionClosed = () => ws?.close();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
