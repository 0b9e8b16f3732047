/**
 * The renderer: draws PyWebIO commands inside an open shadow root and reports user
 * actions as events through `send`. The same class serves the server page and the
 * anywidget; only `mode` differs (page title, disconnect notice).
 */

import {
  COMMAND_NAMES,
  type Command,
  type CommandName,
  type CommandOf,
  type Event,
  type OutputSpec,
  ROOT_SCOPE,
  SCOPE_PREFIX,
} from "../protocol.gen";
import bootstrapCss from "../styles/bootstrap-subset.scss";
import ownCss from "../styles/pywebio.css";
import { BlobStore } from "./blobs";
import type { Mode, RenderContext } from "./context";
import { h, isRecord } from "./dom";
import { Env } from "./env";
import { Forms } from "./forms";
import { t } from "./i18n";
import { logbox } from "./logbox";
import { OUTPUT_RENDERERS, type OutputRenderers, renderOutputWith } from "./outputs";
import { setProcessbar } from "./outputs/progress";
import { Overlays } from "./overlays";
import { Pins } from "./pins";
import { output, outputCtl } from "./scopes";
import { download, runScript } from "./script";

export interface RendererOptions {
  mode: Mode;
}

type Handlers = { readonly [N in CommandName]: (command: CommandOf<N>) => void };

function isCommandName(name: unknown): name is CommandName {
  return COMMAND_NAMES.some((known) => known === name);
}

/** Call the handler of `name` (generic so that the table entry and the command correlate). */
function dispatch<N extends CommandName>(handlers: Handlers, name: N, command: CommandOf<N>): void {
  const handler: (command: CommandOf<N>) => void = handlers[name];
  handler(command);
}

export class Renderer {
  readonly root: ShadowRoot;
  readonly container: HTMLElement;
  /** The id of the server session (page mode: kept for reconnecting). */
  sessionId: string | null = null;
  /** Called when the server closes the session (`close_session`). */
  onSessionClosed: (() => void) | null = null;

  private readonly ctx: RenderContext;
  private readonly forms: Forms;
  private readonly overlays: Overlays;
  private readonly pins: Pins;
  private readonly env: Env;
  private readonly outputRenderers: OutputRenderers;
  private readonly blobs = new BlobStore();
  /** The binary buffers that came with the batch being handled (`blob` commands index them). */
  private buffers: readonly unknown[] = [];

  constructor(
    host: HTMLElement | ShadowRoot,
    send: (event: Event) => void,
    readonly opts: RendererOptions,
  ) {
    this.root = host instanceof ShadowRoot ? host : (host.shadowRoot ?? host.attachShadow({ mode: "open" }));
    const style = h("style", {}, `${bootstrapCss}\n${ownCss}`);
    const scope = h("div", { id: `${SCOPE_PREFIX}${ROOT_SCOPE}`, class: "pywebio-scope" });
    const formsPanel = h("div", { class: "pywebio-forms" });
    this.container = h("div", { class: `pywebio-nb pywebio-nb--${opts.mode}` }, scope, formsPanel);
    this.root.replaceChildren(style, this.container);

    const reportError = (message: string, error?: unknown): void => this.reportError(message, error);
    const ctx: RenderContext = {
      root: this.root,
      container: this.container,
      forms: formsPanel,
      mode: opts.mode,
      send,
      renderOutput: (spec: OutputSpec) => renderOutputWith(this.outputRenderers, spec, ctx),
      blobs: this.blobs,
      reportError,
    };
    this.ctx = ctx;
    this.forms = new Forms(ctx);
    this.overlays = new Overlays(ctx);
    this.pins = new Pins(ctx);
    this.env = new Env(ctx);
    this.outputRenderers = { ...OUTPUT_RENDERERS, pin: this.pins.render };
    this.blobs.watch(this.root);
  }

  /** Every command, declared once. The mapped type makes a missing one a type error. */
  private readonly handlers: Handlers = {
    output: (c) => {
      output(this.ctx, c.spec);
      this.env.afterOutput(c.spec);
    },
    output_ctl: (c) => outputCtl(this.ctx, c.spec),
    input_group: (c) => this.forms.inputGroup(c.task_id, this.env.formSpec(c.spec)),
    update_input: (c) => this.forms.updateInput(c.task_id, c.spec),
    destroy_form: (c) => this.forms.destroyForm(c.task_id),
    popup: (c) => this.overlays.showPopup(c.spec),
    close_popup: () => this.overlays.closePopup(),
    toast: (c) => this.overlays.toast(c.spec),
    run_script: (c) => runScript(this.ctx, c.task_id, c.spec),
    download: (c) => download(this.ctx, c.spec),
    set_processbar: (c) => setProcessbar(this.ctx, c.spec),
    set_env: (c) => this.env.apply(c.spec),
    pin_value: (c) => this.pins.value(c.task_id, c.spec),
    pin_update: (c) => this.pins.update(c.spec),
    pin_wait: (c) => this.pins.wait(c.task_id, c.spec),
    pin_onchange: (c) => this.pins.onChange(c.spec),
    set_session_id: (c) => {
      this.sessionId = typeof c.spec === "string" ? c.spec : null;
    },
    close_session: () => {
      if (this.opts.mode !== "page") return;
      // The app ended normally: no alarm, the page stays readable, its forms inert.
      this.disableForms();
      this.onSessionClosed?.();
    },
    ping: (c) => this.ctx.send({ event: "pong", task_id: null, data: { id: String(c.spec.id), ...browserInfo() } }),
    blob: (c) => this.blobs.addChunk(c.spec, this.buffers[c.spec.buffer]),
    // The transport (page.ts) reads the batch number; here: start from an empty root.
    resync: () => this.clear(),
    logbox: (c) => logbox(this.ctx, c.spec),
  };

  /** Empty the root: scopes, popup and forms (before a `resync` batch rebuilds it). */
  clear(): void {
    this.ctx.container.querySelector(`#${SCOPE_PREFIX}${ROOT_SCOPE}`)?.replaceChildren();
    this.overlays.closePopup();
    this.forms.destroyAll();
  }

  /**
   * Apply a batch of commands (a single command object is accepted too), in order.
   * `buffers` are the binary buffers that came with the batch (for its `blob` commands).
   */
  handle(commands: unknown, buffers: readonly unknown[] = []): void {
    this.buffers = buffers;
    try {
      this.handleAll(commands);
    } finally {
      this.buffers = [];
    }
  }

  private handleAll(commands: unknown): void {
    for (const command of Array.isArray(commands) ? commands : [commands]) {
      if (!isRecord(command) || !isCommandName(command["command"])) {
        const name = isRecord(command) ? JSON.stringify(command["command"]) : typeof command;
        this.reportError(`unknown command ${name}; expected one of ${COMMAND_NAMES.join(", ")}`, command);
        continue;
      }
      // Trust boundary: narrowing would mean validating every spec; the name is checked, handlers read defensively.
      const typed = command as unknown as Command;
      try {
        dispatch(this.handlers, typed.command, typed);
      } catch (error) {
        this.reportError(`command ${typed.command} failed`, error);
      }
    }
  }

  /**
   * The page lost its server: say so (by default "Disconnected from the server", in the
   * browser's language), keep the content readable; `reload` offers a Reload button.
   */
  showDisconnected(message: string = t("disconnected"), reload = false): void {
    this.overlays.showNotice(message, reload);
    this.disableForms();
  }

  /** Disable the forms' buttons (remembered, so `showConnected` enables them again). */
  private disableForms(): void {
    for (const button of Array.from(this.root.querySelectorAll<HTMLButtonElement>(".pywebio-forms button"))) {
      if (button.disabled) continue;
      button.disabled = true;
      button.dataset["offline"] = "1";
    }
  }

  /** The connection is back (a resumed session): hide the notice, enable what we disabled. */
  showConnected(): void {
    this.overlays.hideNotice();
    for (const button of Array.from(this.root.querySelectorAll<HTMLButtonElement>("button[data-offline]"))) {
      button.disabled = false;
      delete button.dataset["offline"];
    }
  }

  /** A visible red error box in the root, plus the console. Never silent. */
  reportError(message: string, error?: unknown): void {
    console.error(`pywebio_nb: ${message}`, error ?? "");
    const detail = error instanceof Error ? `\n${error.message}` : "";
    const box = h("div", { class: "pywebio-error", role: "alert" }, `pywebio_nb: ${message}${detail}`);
    this.ctx.forms.before(box);
  }
}

/** What a `pong` tells the kernel about the browser (its `session.info` in a notebook). */
export function browserInfo(): { user_agent: string; language: string; origin: string } {
  const nav = typeof navigator === "undefined" ? undefined : navigator;
  return {
    user_agent: nav?.userAgent ?? "",
    language: nav?.language ?? "",
    origin: typeof location === "undefined" ? "" : location.origin,
  };
}
