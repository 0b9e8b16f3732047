/**
 * The part of PyWebIO's page global `WebIO` that the manual's cookbook uses ("Refresh
 * page on connection lost"):
 *
 *     run_js('WebIO._state.CurrentSession.on_session_close(()=>{setTimeout(()=>location.reload(), 4000)})')
 *
 * `on_session_close(callback)` runs `callback` once the session has ended for good: the
 * app closed it (`close_session`), the server forgot it (4404), or reconnecting gave up.
 * A dropped connection that reconnects does not count: the session goes on.
 */
type Callback = () => void;

const callbacks: Callback[] = [];
let closed = false;

function run(callback: Callback): void {
  try {
    callback();
  } catch (error) {
    console.error("pywebio_nb: an on_session_close callback failed", error);
  }
}

/** Define `window.WebIO` (unless the page already has one). */
export function installWebIOGlobal(): void {
  const w = window as unknown as Record<string, unknown>;
  if (w["WebIO"] !== undefined) return;
  const CurrentSession = {
    on_session_close(callback: unknown): void {
      if (typeof callback !== "function") return;
      if (closed) setTimeout(() => run(callback as Callback), 0);
      else callbacks.push(callback as Callback);
    },
  };
  w["WebIO"] = { _state: { CurrentSession } };
}

/** The session ended for good: run the callbacks, once. */
export function sessionClosed(): void {
  if (closed) return;
  closed = true;
  for (const callback of callbacks.splice(0)) run(callback);
}
