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

describe("popup_closed (extension event)", () => {
  const shown = command("popup", {
    title: "Hi",
    content: [{ type: "text", content: "body" }],
    dom_id: "pywebio-scope-pop1",
  });
  const closedEvent = { event: "popup_closed", task_id: null, data: { dom_id: "pywebio-scope-pop1" } };

  it("the close button closes the popup and reports it", () => {
    const t = harness();
    t.handle(shown);
    t.renderer.root.querySelector<HTMLElement>(".pywebio-popup .btn-close")?.click();
    expect(t.renderer.root.querySelector(".pywebio-popup")).toBeNull();
    expect(t.sent).toEqual([closedEvent]);
  });

  it("Esc and a click on the backdrop (not the dialog) close it and report it once", () => {
    const t = harness();
    t.handle(shown);
    t.renderer.root.querySelector<HTMLElement>(".pywebio-popup__body")?.click();
    expect(t.sent).toEqual([]); // a click inside the dialog keeps it
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(t.renderer.root.querySelector(".pywebio-popup")).toBeNull();
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(t.sent).toEqual([closedEvent]);
    t.handle(shown);
    t.renderer.root.querySelector<HTMLElement>(".pywebio-popup-backdrop")?.click();
    expect(t.renderer.root.querySelector(".pywebio-popup")).toBeNull();
    expect(t.sent).toEqual([closedEvent, closedEvent]);
  });

  it("close_popup and a newer popup close it without an event", () => {
    const t = harness();
    t.handle(shown, command("close_popup", null));
    t.handle(shown, command("popup", { title: "B", dom_id: "pywebio-scope-pop2" }));
    expect(t.sent).toEqual([]);
    t.renderer.root.querySelector<HTMLElement>(".pywebio-popup .btn-close")?.click();
    expect(t.sent).toEqual([{ event: "popup_closed", task_id: null, data: { dom_id: "pywebio-scope-pop2" } }]);
  });

  it("a popup that is not closable, or not implicitly, ignores Esc and the backdrop", () => {
    const t = harness();
    t.handle(command("popup", { title: "Stay", dom_id: "pywebio-scope-p", implicit_close: false }));
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    t.renderer.root.querySelector<HTMLElement>(".pywebio-popup-backdrop")?.click();
    expect(t.renderer.root.querySelector(".pywebio-popup")).not.toBeNull();
    expect(t.sent).toEqual([]);
  });
});

describe("JupyterLab theme", () => {
  afterEach(() => {
    delete document.body.dataset["jpThemeLight"];
  });

  it("the root is marked dark while JupyterLab's theme is dark, switched at run time", async () => {
    document.body.dataset["jpThemeLight"] = "true";
    const t = harness();
    const container = t.renderer.root.querySelector(".pywebio-nb");
    expect(container?.classList.contains("pywebio-nb--dark")).toBe(false);
    document.body.dataset["jpThemeLight"] = "false";
    await Promise.resolve(); // mutation observers run as a microtask
    expect(container?.classList.contains("pywebio-nb--dark")).toBe(true);
    document.body.dataset["jpThemeLight"] = "true";
    await Promise.resolve();
    expect(container?.classList.contains("pywebio-nb--dark")).toBe(false);
  });

  it("outside Jupyter (no theme attribute) the root is never marked", () => {
    const t = harness();
    expect(t.renderer.root.querySelector(".pywebio-nb--dark")).toBeNull();
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
