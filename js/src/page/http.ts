/**
 * The server page over HTTP polling (`pywebio_nb.platform.tornado_http`), for networks
 * where WebSockets do not get through. Same URL as the page; the session travels in the
 * `webio-session-id` header (`NEW` first; the server's answer names it).
 *
 * - One poll (`GET`) is always in flight: it carries `webio-ack: <batches applied>` and
 *   returns the batches after that (the server waits for output when there is none), so a
 *   lost response is simply asked for again. `set_env(http_pull_interval=ms)` pauses
 *   between polls.
 * - Events leave as `POST` bodies (a JSON array, queued while one is in flight); an upload
 *   chunk as one `application/octet-stream` body in the WebSocket's binary framing.
 * - A poll's body is a sequence of records `u8 kind | u32 length | payload`: kind 0 a batch
 *   (JSON), kind 1 a blob chunk (the WebSocket's binary frame), before its batch.
 * - A failed request shows "Reconnecting" and retries with back-off; `410 Gone` means the
 *   session has ended.
 */
import type { Event } from "../protocol.gen";
import { decodeBlobFrame } from "../renderer/blobs";
import { t } from "../renderer/i18n";
import type { Renderer } from "../renderer/renderer";
import { encodeUploadFrame, UPLOAD_EVENT, type UploadRequest } from "../renderer/upload";
import { backoff, type Counter, MAX_ATTEMPTS } from "./connection";
import { sessionClosed } from "./webio_compat";

const KIND_BATCH = 0;
const KIND_BLOB = 1;
const SESSION_HEADER = "webio-session-id";
const ACK_HEADER = "webio-ack";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Split a poll's body into its records. */
export function* records(body: ArrayBuffer): Generator<{ kind: number; payload: ArrayBuffer }> {
  const view = new DataView(body);
  let offset = 0;
  while (offset < body.byteLength) {
    if (offset + 5 > body.byteLength) throw new Error(`a record header at ${offset} is cut short`);
    const kind = view.getUint8(offset);
    const length = view.getUint32(offset + 1);
    const start = offset + 5;
    if (start + length > body.byteLength) throw new Error(`a record of ${length} bytes at ${offset} is cut short`);
    yield { kind, payload: body.slice(start, start + length) };
    offset = start + length;
  }
}

/** Connect `renderer` over HTTP; returns the function that sends its events. */
export function connectHttp(renderer: Renderer, host: HTMLElement, counter: Counter): (event: Event) => void {
  const url = location.pathname + location.search;
  let sessionId = "NEW";
  let ended = false;
  let interval = 0;
  const queue: Event[] = [];
  let posting = false;

  const headers = (): Record<string, string> => ({
    [SESSION_HEADER]: sessionId,
    [ACK_HEADER]: String(counter.applied),
  });

  const end = (message: string = t("disconnected")): void => {
    ended = true;
    sessionClosed();
    renderer.showDisconnected(message, true);
  };

  const postEvents = async (): Promise<void> => {
    if (posting || sessionId === "NEW" || ended) return;
    posting = true;
    let failures = 0;
    while (queue.length > 0 && !ended) {
      const batch = queue.splice(0);
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { ...headers(), "Content-Type": "application/json" },
          body: JSON.stringify(batch),
        });
        if (response.status === 410) end(t("session_ended"));
        failures = 0;
      } catch {
        queue.unshift(...batch); // not sent: keep the order
        failures += 1;
        if (failures > MAX_ATTEMPTS) end();
        else await delay(backoff(failures));
      }
    }
    posting = false;
  };

  const apply = (body: ArrayBuffer): void => {
    for (const { kind, payload } of records(body)) {
      if (kind === KIND_BLOB) {
        const decoded = decodeBlobFrame(payload);
        renderer.handle([decoded.command], [decoded.chunk]);
      } else if (kind === KIND_BATCH) {
        const commands = counter.apply(new TextDecoder().decode(payload));
        const pause = pullInterval(commands);
        if (pause !== null) interval = pause;
      } else {
        renderer.reportError(`the server sent a record of unknown kind ${kind}`);
      }
    }
  };

  const poll = async (): Promise<void> => {
    let failures = 0;
    while (!ended) {
      let response: Response;
      try {
        response = await fetch(url, { headers: headers(), cache: "no-store" });
        if (response.status !== 410 && !response.ok) throw new Error(`HTTP ${response.status}`);
      } catch {
        failures += 1;
        if (sessionId === "NEW" || failures > MAX_ATTEMPTS) {
          end();
          return;
        }
        renderer.showDisconnected(t("reconnecting"));
        await delay(backoff(failures));
        continue;
      }
      if (response.status === 410) {
        end(t("session_ended"));
        return;
      }
      if (failures > 0) renderer.showConnected();
      failures = 0;
      const id = response.headers.get(SESSION_HEADER);
      if (id && sessionId === "NEW") {
        sessionId = id;
        void postEvents();
      }
      try {
        apply(await response.arrayBuffer());
      } catch (error) {
        renderer.reportError("the server sent a response that could not be read", error);
      }
      if (interval > 0) await delay(interval);
    }
  };

  host.addEventListener(UPLOAD_EVENT, (event) => {
    const request = (event as CustomEvent<UploadRequest>).detail;
    request.accepted = true;
    request.sent = fetch(url, {
      method: "POST",
      headers: { ...headers(), "Content-Type": "application/octet-stream" },
      body: encodeUploadFrame(request.event, request.chunk),
    }).then((response) => {
      if (!response.ok) throw new Error(`the server refused an upload chunk (HTTP ${response.status})`);
    });
  });
  renderer.onSessionClosed = () => {
    ended = true;
    sessionClosed();
  };
  void poll();
  return (event: Event): void => {
    queue.push(event);
    void postEvents();
  };
}

/** `set_env(http_pull_interval=ms)` in a batch: the pause between polls. */
function pullInterval(commands: unknown): number | null {
  if (!Array.isArray(commands)) return null;
  let found: number | null = null;
  for (const command of commands) {
    const spec = (command as { command?: unknown; spec?: { http_pull_interval?: unknown } } | null)?.spec;
    const value = spec?.http_pull_interval;
    if ((command as { command?: unknown }).command === "set_env" && typeof value === "number" && value >= 0) {
      found = value;
    }
  }
  return found;
}
