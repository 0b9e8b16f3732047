/** popup / close_popup and toast (PyWebIO protocol commands). */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TOAST_COLORS } from "../src/protocol.gen";
import { command, harness } from "./helpers";

afterEach(() => {
  vi.useRealTimers();
});

describe("popup", () => {
  it("shows a dialog whose body is a scope, and close_popup removes it", () => {
    const t = harness();
    t.handle(
      command("popup", {
        title: "Hi",
        content: [{ type: "text", content: "body" }],
        size: "large",
        dom_id: "pywebio-scope-pop",
      }),
      command("output", { type: "text", content: "more", scope: "#pywebio-scope-pop", position: -1 }),
    );
    const dialog = t.renderer.root.querySelector(".pywebio-popup");
    expect(dialog?.classList.contains("pywebio-popup--large")).toBe(true);
    expect(dialog?.querySelector(".pywebio-popup__title")?.textContent).toBe("Hi");
    expect(t.renderer.root.getElementById("pywebio-scope-pop")?.textContent).toBe("bodymore");
    t.handle(command("close_popup", null));
    expect(t.renderer.root.querySelector(".pywebio-popup")).toBeNull();
  });

  it("a second popup replaces the first", () => {
    const t = harness();
    t.handle(command("popup", { title: "A" }), command("popup", { title: "B" }));
    expect(Array.from(t.renderer.root.querySelectorAll(".pywebio-popup__title"), (n) => n.textContent)).toEqual(["B"]);
  });
});

describe("toast", () => {
  it("shows the text for `duration` milliseconds in the given colour", () => {
    vi.useFakeTimers();
    const t = harness();
    t.handle(command("toast", { content: "saved", duration: 1000, position: "left", color: "#123456" }));
    const toast = t.renderer.root.querySelector<HTMLElement>(".pywebio-toasts--left .pywebio-toast");
    expect(toast?.textContent).toBe("saved");
    expect(toast?.style.background).toBe("rgb(18, 52, 86)");
    expect(t.renderer.root.contains(toast ?? null)).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(t.renderer.root.contains(toast ?? null)).toBe(false);
  });

  it("defaults to the info colour; a click sends its callback and dismisses it", () => {
    const t = harness();
    t.handle(command("toast", { content: "x", duration: 0, callback_id: "cb" }));
    const toast = t.renderer.root.querySelector<HTMLElement>(".pywebio-toast");
    const probe = document.createElement("div");
    probe.style.background = TOAST_COLORS.info;
    expect(toast?.style.background).toBe(probe.style.background);
    toast?.click();
    expect(t.sent).toEqual([{ event: "callback", task_id: "cb", data: null }]);
    expect(toast?.isConnected).toBe(false);
  });
});
