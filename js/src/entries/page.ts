/**
 * Server page bootstrap: mount the renderer on `#pywebio-nb-root` and talk to the
 * server over a WebSocket on the page's own URL (`?app=NAME&session=NEW`, as PyWebIO).
 * Text frames carry JSON batches of commands; binary frames carry one blob chunk each
 * (`decodeBlobFrame`), always before the batch that uses the blob. The other way, an
 * uploaded file's chunks leave as binary frames (`encodeUploadFrame`), one per chunk, each
 * sent once the socket's buffer has drained below a chunk (the progress bar shows that).
 *
 * Reconnect: the page counts the text frames (batches) it applied and acknowledges the
 * count (`ack` event) shortly after each burst. When the socket drops without the session
 * having ended, a "Reconnecting" notice shows and the page dials again with back-off,
 * asking for `?session=<its id>&ack=<count>`: the server replays exactly the batches after
 * that count, or rebuilds the page with a `resync` batch when they are no longer kept.
 * Close code 4404 means the session is gone for good (expired, or the server restarted).
 *
 * A page served by `tornado_http` (root marked `data-transport="http"`) polls over HTTP
 * instead (`../page/http.ts`).
 */

import { backoff, Counter, MAX_ATTEMPTS } from "../page/connection";
import { connectHttp } from "../page/http";
import { installWebIOGlobal, sessionClosed } from "../page/webio_compat";
import type { Event } from "../protocol.gen";
import { decodeBlobFrame } from "../renderer/blobs";
import { t } from "../renderer/i18n";
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

/** Close code of a server that does not know (any more) the session asked for. */
const SESSION_GONE = 4404;
/** Delay before acknowledging a burst of batches: one `ack` per burst, not per frame. */
const ACK_DELAY_MS = 100;
/** Reconnect attempts before the notice also offers a Reload button. */
const OFFER_RELOAD_AFTER = 3;

function socketUrl(session: string | null, applied: number): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const params = new URLSearchParams(location.search);
  params.set("session", session ?? "NEW");
  if (session !== null) params.set("ack", String(applied));
  return `${scheme}//${location.host}${location.pathname}?${params.toString()}`;
}

/** Connect `renderer` over a WebSocket; returns the function that sends its events. */
function connectWebSocket(renderer: Renderer, host: HTMLElement, counter: Counter): (event: Event) => void {
  let ws: WebSocket | null = null;
  let acked = 0;
  let ackTimer: ReturnType<typeof setTimeout> | null = null;
  let attempts = 0;
  let ended = false; // close_session arrived, or the server forgot the session
  const pending: string[] = [];
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

  const acknowledge = (): void => {
    ackTimer = null;
    if (counter.applied > acked && ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ event: "ack", task_id: null, data: { seq: counter.applied } }));
      acked = counter.applied;
    }
  };

  const onMessage = (message: MessageEvent<unknown>): void => {
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
    counter.apply(message.data);
    if (ackTimer === null) ackTimer = setTimeout(acknowledge, ACK_DELAY_MS);
  };

  const onClose = (event: CloseEvent): void => {
    ws = null;
    if (ended) return;
    if (event.code === SESSION_GONE || renderer.sessionId === null || attempts >= MAX_ATTEMPTS) {
      ended = true;
      sessionClosed();
      renderer.showDisconnected(event.code === SESSION_GONE ? t("session_ended") : t("disconnected"), true);
      return;
    }
    attempts += 1;
    // A few failed attempts in, the server may be gone for good: offer the reload too.
    renderer.showDisconnected(t("reconnecting"), attempts > OFFER_RELOAD_AFTER);
    setTimeout(connect, backoff(attempts));
  };

  const connect = (): void => {
    const socket = new WebSocket(socketUrl(renderer.sessionId, counter.applied));
    socket.binaryType = "arraybuffer";
    ws = socket;
    socket.addEventListener("open", () => {
      if (attempts > 0) renderer.showConnected();
      attempts = 0;
      acked = counter.applied; // the server learnt the count from the URL
      for (const frame of pending.splice(0)) socket.send(frame);
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", onClose);
  };

  renderer.onSessionClosed = () => {
    ended = true;
    sessionClosed();
    ws?.close();
  };
  connect();
  return (event: Event): void => {
    const frame = JSON.stringify(event);
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(frame);
    else pending.push(frame);
  };
}

function mount(): void {
  let host = document.getElementById("pywebio-nb-root");
  if (!host) {
    host = document.createElement("div");
    host.id = "pywebio-nb-root";
    document.body.append(host);
  }
  let send: (event: Event) => void = () => undefined;
  installWebIOGlobal(); // the manual's cookbook calls WebIO._state.CurrentSession
  const renderer = new Renderer(host, (event) => send(event), { mode: "page" });
  const counter = new Counter(renderer);
  // The server says which protocol it speaks (tornado_http marks the root).
  send =
    host.dataset["transport"] === "http"
      ? connectHttp(renderer, host, counter)
      : connectWebSocket(renderer, host, counter);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
