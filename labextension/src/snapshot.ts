/**
 * The renderer of saved pywebio_nb outputs: `application/vnd.pywebio-nb.snapshot+json`.
 *
 * A pywebio_nb cell root is displayed as a bundle of three MIME types: the live widget
 * (`application/vnd.jupyter.widget-view+json`, rendered by ipywidgets' WidgetRenderer at
 * rank -10, unsafe: trusted outputs only), a static `text/html` (for nbconvert, GitHub) and
 * this snapshot: one kernel->frontend message with the root's content. JupyterLab renders
 * the bundle with the factory of the best-ranked MIME type it holds (the best *safe* one for
 * an untrusted output). The snapshot factory is ranked before the widget's, so it gets
 * every pywebio_nb output and decides:
 * - the live widget when its model is in the kernel: it asks the notebook's own rendermime
 *   for the widget renderer (the one ipywidgets' manager registered for that notebook)
 *   and shows it, so nothing changes while a kernel runs;
 * - the snapshot, drawn by pywebio_nb's real renderer, read-only, when there is no kernel,
 *   when the widget cannot be found ("model not found": a reopened notebook, a restarted
 *   kernel) or when the output is untrusted (widget views are not rendered for those).
 * While the widget is being looked up on a page that has just loaded (its kernel still
 * connecting), the snapshot stands in after a short delay and gives way to the widget
 * when it comes (and leaves the page: the live form is then the only one).
 * Outside notebook panels (consoles, output views) the factory is ranked after the
 * widget's: there a trusted output shows the widget as before.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Panel, Widget } from "@lumino/widgets";

export const SNAPSHOT_MIME = "application/vnd.pywebio-nb.snapshot+json";
const WIDGET_MIME = "application/vnd.jupyter.widget-view+json";
/** Before ipywidgets' widget view (-10): in a notebook, this renderer picks. */
const NOTEBOOK_RANK = -20;
/** After the widget view, before text/html (50): elsewhere, a trusted widget wins. */
const GLOBAL_RANK = 40;
/** How long a live widget may take before the snapshot stands in for it (ms). */
const STAND_IN_DELAY = 300;

type Bundle = typeof import("./snapshot_bundle.js");
let bundle: Promise<Bundle> | null = null;
/** The renderer is ~80 KB gzip: loaded on the first snapshot shown, not at start-up. */
function loadBundle(): Promise<Bundle> {
  bundle ??= import("./snapshot_bundle.js");
  return bundle;
}

/** Where a renderer lives: the notebook (for its kernel and widget manager), if any. */
interface Place {
  panel: NotebookPanel;
  /** The application-wide registry (to tell ipywidgets' per-notebook factory from its placeholder). */
  global: IRenderMimeRegistry;
}

/**
 * Whether ipywidgets has registered its renderer bound to this notebook's widget manager
 * (it replaces the application-wide placeholder in the notebook's rendermime).
 */
function boundRenderer({ panel, global }: Place): boolean {
  const factory = panel.content.rendermime.getFactory(WIDGET_MIME);
  return factory !== undefined && factory !== global.getFactory(WIDGET_MIME);
}

class SnapshotRenderer extends Panel implements IRenderMime.IRenderer {
  private readonly host = new Widget();
  private live: IRenderMime.IRenderer | null = null;
  private observer: MutationObserver | null = null;
  private drawn = false;

  constructor(
    private readonly options: IRenderMime.IRendererOptions,
    private readonly place: Place | null,
  ) {
    super();
    this.addClass("pywebio-nb-snapshot-output");
    this.host.addClass("pywebio-nb-snapshot");
    this.addWidget(this.host);
  }

  /**
   * Show the live widget or the snapshot (see the module docstring). The node's
   * `data-pywebio-nb-shown` says which ("live" | "snapshot") and `data-pywebio-nb-settled`
   * is set once the choice is final: what tests and curious users can look at.
   */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this.options.mimeType];
    const place = this.place;
    try {
      if (!place || !model.trusted || model.data[WIDGET_MIME] === undefined) return await this.showSnapshot(data);
      // A page that has just loaded waits for its kernel and ipywidgets: the snapshot
      // stands in meanwhile. In a running session (ipywidgets ready) the widget comes at
      // once, or its model is gone and the snapshot follows.
      const standIn = boundRenderer(place)
        ? undefined
        : window.setTimeout(() => void this.showSnapshot(data), STAND_IN_DELAY);
      try {
        const live = await this.liveRenderer(place);
        if (!live || this.isDisposed) return await this.showSnapshot(data);
        this.live = live;
        live.hide();
        this.addWidget(live);
        // A model that appears later (ipywidgets re-renders once its manager is restored).
        this.observer = new MutationObserver(() => this.settle());
        this.observer.observe(live.node, { childList: true });
        await live.renderModel(model);
        if (!this.settle()) await this.showSnapshot(data);
      } finally {
        window.clearTimeout(standIn);
      }
    } finally {
      this.node.dataset["pywebioNbSettled"] = "true";
    }
  }

  /** Show the live widget if it has a view; true when it does. */
  private settle(): boolean {
    const live = this.live;
    if (!(live instanceof Panel) || live.widgets.length === 0) return false;
    this.observer?.disconnect();
    // Gone from the page, not hidden: nothing may find two copies of a form.
    this.host.dispose();
    live.show();
    this.node.dataset["pywebioNbShown"] = "live";
    return true;
  }

  /**
   * ipywidgets' renderer bound to this notebook's widget manager, once ipywidgets has
   * registered it for the notebook's kernel; null when there is no kernel (or no ipywidgets).
   */
  private async liveRenderer(place: Place): Promise<IRenderMime.IRenderer | null> {
    const session = place.panel.sessionContext;
    await session.ready;
    // ipywidgets registers its factory for the notebook once the session is ready and
    // its kernel connected; every status change of the kernel is a moment to look again.
    while (!boundRenderer(place)) {
      if (!session.session?.kernel || session.isDisposed || this.isDisposed) return null;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          session.statusChanged.disconnect(done);
          session.connectionStatusChanged.disconnect(done);
          session.kernelChanged.disconnect(done);
          session.disposed.disconnect(done);
          resolve();
        };
        session.statusChanged.connect(done);
        session.connectionStatusChanged.connect(done);
        session.kernelChanged.connect(done);
        session.disposed.connect(done);
      });
    }
    return place.panel.content.rendermime.createRenderer(WIDGET_MIME);
  }

  private async showSnapshot(data: unknown): Promise<void> {
    if (this.drawn || this.isDisposed || this.host.isDisposed) return;
    this.drawn = true;
    this.node.dataset["pywebioNbShown"] = "snapshot";
    try {
      const { renderSnapshot } = await loadBundle();
      renderSnapshot(this.host.node, data);
    } catch (error) {
      console.error("pywebio_nb: cannot show the saved output", error);
      this.host.node.textContent = `pywebio_nb: cannot show the saved output: ${String(error)}`;
      this.host.addClass("pywebio-nb-snapshot-error");
    }
  }

  override dispose(): void {
    this.observer?.disconnect();
    super.dispose();
  }
}

function factory(place: Place | null): IRenderMime.IRendererFactory {
  return {
    // Safe: the snapshot is drawn with the renderer's sanitizing and runs no script;
    // the live widget is only used for trusted outputs.
    safe: true,
    mimeTypes: [SNAPSHOT_MIME],
    createRenderer: (options) => new SnapshotRenderer(options, place),
  };
}

function activate(_app: JupyterFrontEnd, rendermime: IRenderMimeRegistry, notebooks: INotebookTracker | null): void {
  rendermime.addFactory(factory(null), GLOBAL_RANK);
  // Each notebook's rendermime is a clone made when its panel is created, before its
  // outputs render: give it the notebook-aware factory.
  const adopt = (panel: NotebookPanel): void =>
    panel.content.rendermime.addFactory(factory({ panel, global: rendermime }), NOTEBOOK_RANK);
  notebooks?.forEach(adopt);
  notebooks?.widgetAdded.connect((_, panel) => adopt(panel));
}

export const snapshotPlugin: JupyterFrontEndPlugin<void> = {
  id: "pywebio-nb:snapshot-renderer",
  description: "Shows saved pywebio_nb outputs (with pywebio_nb's renderer, read-only) when their widget is gone.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [INotebookTracker],
  activate,
};
