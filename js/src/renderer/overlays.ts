/**
 * Fixed overlays drawn by the root: the popup (`popup` / `close_popup`), toasts and
 * the "disconnected" notice. They are fixed-position with a high z-index, so inside a
 * notebook they stay above the cells, within the notebook panel (see
 * notes/notebook-rendering.md); their colours come from the theme variables.
 * Titles and toast text are text nodes, never HTML.
 *
 * A popup the user closes (close button, Esc, a click on the backdrop) is reported with
 * the `popup_closed` extension event, so the session's page model forgets it too; one
 * closed by a `close_popup` command or replaced by a newer popup is not reported (the
 * session already knows).
 */
import { type PopupSpec, TOAST_COLORS, type ToastSpec } from "../protocol.gen";
import type { RenderContext } from "./context";
import { h, str } from "./dom";
import { t } from "./i18n";

export class Overlays {
  private popup: HTMLElement | null = null;
  private popupDomId: string | null = null;
  private popupKeys: ((event: KeyboardEvent) => void) | null = null;
  private readonly toastStacks = new Map<string, HTMLElement>();
  private notice: HTMLElement | null = null;

  constructor(private readonly ctx: RenderContext) {
    this.followJupyterTheme();
  }

  /**
   * In JupyterLab / Notebook 7, mark the root `pywebio-nb--dark` while the theme is dark
   * (`body[data-jp-theme-light]`, switched at run time): CSS variables carry the colours,
   * but a few things need to know the theme, e.g. Bootstrap's dark close icons.
   */
  private followJupyterTheme(): void {
    const body = document.body;
    if (!body || body.dataset["jpThemeLight"] === undefined) return; // not in Jupyter
    const apply = (): void => {
      this.ctx.container.classList.toggle("pywebio-nb--dark", body.dataset["jpThemeLight"] === "false");
    };
    apply();
    new MutationObserver(apply).observe(body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
  }

  showPopup(spec: PopupSpec): void {
    this.closePopup();
    const closable = spec.closable !== false;
    const size = spec.size === "large" || spec.size === "small" ? spec.size : "normal";
    const title = h("h5", { class: "pywebio-popup__title" }, str(spec.title));
    const header = h("div", { class: "pywebio-popup__header" }, title);
    if (closable) {
      const close = h("button", { type: "button", class: "btn-close", "aria-label": "Close" });
      close.addEventListener("click", () => this.userClosedPopup());
      header.append(close);
    }
    const body = h("div", { class: "pywebio-popup__body pywebio-scope", id: spec.dom_id });
    for (const item of spec.content ?? []) body.append(this.ctx.renderOutput(item));
    const dialog = h(
      "div",
      { class: `pywebio-popup pywebio-popup--${size}`, role: "dialog", "aria-modal": "true" },
      header,
      body,
    );
    // (In JupyterLab's dark theme the root's `pywebio-nb--dark` inverts the close icon.)
    const backdrop = h("div", { class: "pywebio-popup-backdrop" }, dialog);
    if (closable && spec.implicit_close !== false) {
      backdrop.addEventListener("click", (event) => {
        if (event.target === backdrop) this.userClosedPopup();
      });
      this.popupKeys = (event: KeyboardEvent) => {
        if (event.key === "Escape") this.userClosedPopup();
      };
      document.addEventListener("keydown", this.popupKeys);
    }
    this.ctx.container.append(backdrop);
    this.popup = backdrop;
    this.popupDomId = typeof spec.dom_id === "string" ? spec.dom_id : null;
  }

  /** The user closed the popup: close it and tell the session which one it was. */
  private userClosedPopup(): void {
    const domId = this.popupDomId;
    this.closePopup();
    if (domId !== null) this.ctx.send({ event: "popup_closed", task_id: null, data: { dom_id: domId } });
  }

  closePopup(): void {
    this.popup?.remove();
    this.popup = null;
    this.popupDomId = null;
    if (this.popupKeys) document.removeEventListener("keydown", this.popupKeys);
    this.popupKeys = null;
  }

  toast(spec: ToastSpec): void {
    const position = spec.position === "left" || spec.position === "right" ? spec.position : "center";
    let stack = this.toastStacks.get(position);
    if (!stack?.isConnected) {
      stack = h("div", { class: `pywebio-toasts pywebio-toasts--${position}` });
      this.ctx.container.append(stack);
      this.toastStacks.set(position, stack);
    }
    const callbackId = spec.callback_id;
    const text = h("span", {}, str(spec.content));
    const node = h(
      "div",
      { class: callbackId ? "pywebio-toast pywebio-toast--clickable" : "pywebio-toast", role: "status" },
      text,
    );
    node.style.background = str(spec.color, TOAST_COLORS.info);
    const dismiss = (): void => node.remove();
    // Milliseconds, as PyWebIO's protocol; 0 (or less) keeps it until closed.
    const duration = typeof spec.duration === "number" ? spec.duration : 2000;
    if (duration <= 0) {
      const close = h("button", { type: "button", class: "pywebio-toast__close", "aria-label": "Close" }, "\u00d7");
      close.addEventListener("click", (event) => {
        event.stopPropagation();
        dismiss();
      });
      node.append(close);
    } else {
      setTimeout(dismiss, duration);
    }
    node.addEventListener("click", () => {
      if (callbackId) this.ctx.send({ event: "callback", task_id: callbackId, data: null });
      dismiss();
    });
    stack.append(node);
  }

  /** A status line at the bottom; `reload` adds a button that reloads the page. */
  showNotice(message: string, reload = false): void {
    if (!this.notice) {
      this.notice = h("div", { class: "pywebio-notice", role: "status" });
      this.ctx.container.append(this.notice);
    }
    this.notice.replaceChildren(message);
    if (reload) {
      const button = h("button", { type: "button", class: "pywebio-notice__reload" }, t("reload"));
      button.addEventListener("click", () => location.reload());
      this.notice.append(" ", button);
    }
  }

  /** Remove the notice (the connection is back). */
  hideNotice(): void {
    this.notice?.remove();
    this.notice = null;
  }
}
