/**
 * The handshake describes the browser: a `pong` carries navigator.userAgent, navigator.language
 * and location.origin, which the kernel turns into `session.info` in a notebook.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { browserInfo, Renderer } from "../src/renderer/renderer";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("pong", () => {
  it("describes the browser showing the view", () => {
    vi.spyOn(navigator, "userAgent", "get").mockReturnValue("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0");
    vi.spyOn(navigator, "language", "get").mockReturnValue("de-DE");
    expect(browserInfo()).toEqual({
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
      language: "de-DE",
      origin: location.origin,
    });
    expect(location.origin).not.toBe("");
  });

  it("is what the renderer answers a ping with", () => {
    vi.spyOn(navigator, "language", "get").mockReturnValue("ja");
    const sent: unknown[] = [];
    const renderer = new Renderer(document.createElement("div"), (event) => sent.push(event), { mode: "widget" });
    renderer.handle([{ command: "ping", task_id: null, spec: { id: "p1" } }]);
    expect(sent).toEqual([
      {
        event: "pong",
        task_id: null,
        data: { id: "p1", user_agent: navigator.userAgent, language: "ja", origin: location.origin },
      },
    ]);
  });
});
