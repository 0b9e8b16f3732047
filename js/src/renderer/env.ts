/**
 * `set_env`: the session's page settings (the keys of the manual's `set_env`).
 *
 * What each key does here:
 * - `title`: the document title (page mode only: a notebook's tab is not the app's).
 * - `output_max_width`: the container's max width (page and widget).
 * - `auto_scroll_bottom`: after output to the ROOT scope, scroll to the bottom (the
 *   window in page mode; the end of the root in a notebook cell).
 * - `input_panel_fixed`: keep the forms panel at the bottom of the window (page mode),
 *   `input_panel_init_height` its height and `input_panel_min_height` the least of it.
 *   Without it the panel sits inline below the output (our default layout).
 * - `input_auto_focus`: whether a new form's `auto_focus` item takes the focus.
 * - `output_animation`: kept, nothing to draw: this renderer never animates output, so
 *   it always looks as PyWebIO's does with `output_animation=False`.
 * - `http_pull_interval`: read by the HTTP transport, nothing to draw.
 */
import type { InputGroupSpec, OutputSpec, SetEnvSpec } from "../protocol.gen";
import type { RenderContext } from "./context";

const ROOT_SELECTORS = new Set(["", "#pywebio-scope-ROOT"]);

/** PyWebIO's lower bounds for the fixed input panel's heights (pixels). */
const MIN_PANEL_HEIGHT = 75;
const MIN_PANEL_INIT_HEIGHT = 175;

export class Env {
  autoScrollBottom = false;
  inputAutoFocus = true;
  outputAnimation = false;
  private panelFixed = false;
  private panelMinHeight = 300;
  private panelInitHeight = 300;

  constructor(private readonly ctx: RenderContext) {}

  /** Apply one `set_env` command; keys it does not name keep their value. */
  apply(spec: SetEnvSpec): void {
    const page = this.ctx.mode === "page";
    if (typeof spec.title === "string" && page) document.title = spec.title;
    if (typeof spec.output_max_width === "string") this.ctx.container.style.maxWidth = spec.output_max_width;
    if (typeof spec.auto_scroll_bottom === "boolean") this.autoScrollBottom = spec.auto_scroll_bottom;
    if (typeof spec.input_auto_focus === "boolean") this.inputAutoFocus = spec.input_auto_focus;
    if (typeof spec.output_animation === "boolean") this.outputAnimation = spec.output_animation;
    if (typeof spec.input_panel_fixed === "boolean") this.panelFixed = spec.input_panel_fixed;
    if (typeof spec.input_panel_min_height === "number") {
      this.panelMinHeight = Math.max(MIN_PANEL_HEIGHT, spec.input_panel_min_height);
    }
    if (typeof spec.input_panel_init_height === "number") {
      this.panelInitHeight = Math.max(MIN_PANEL_INIT_HEIGHT, spec.input_panel_init_height);
    }
    if (page) this.layoutPanel();
  }

  /** The fixed panel: sticky at the window's bottom, scrolling inside its height. */
  private layoutPanel(): void {
    const style = this.ctx.forms.style;
    if (!this.panelFixed) {
      for (const key of ["position", "bottom", "maxHeight", "minHeight", "overflowY", "zIndex"] as const) {
        style[key] = "";
      }
      return;
    }
    style.position = "sticky";
    style.bottom = "0";
    style.zIndex = "10";
    style.overflowY = "auto";
    style.maxHeight = `${Math.max(this.panelInitHeight, this.panelMinHeight)}px`;
    style.minHeight = `${this.panelMinHeight}px`;
  }

  /** After an `output` command: scroll to the bottom when it went to ROOT and auto scroll is on. */
  afterOutput(spec: OutputSpec): void {
    if (!this.autoScrollBottom || !ROOT_SELECTORS.has(spec.scope ?? "")) return;
    if (this.ctx.mode === "page") {
      window.scrollTo({ top: document.documentElement.scrollHeight });
    } else {
      this.ctx.container.scrollIntoView?.({ block: "end" });
    }
  }

  /** An `input_group` spec as the form should see it: no item focuses itself when auto focus is off. */
  formSpec(spec: InputGroupSpec): InputGroupSpec {
    if (this.inputAutoFocus) return spec;
    return { ...spec, inputs: spec.inputs.map((item) => ({ ...item, auto_focus: false })) };
  }
}
