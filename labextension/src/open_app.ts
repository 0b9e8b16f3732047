/**
 * "Open as PyWebIO app": opens the app the pywebio_nb Jupyter server extension serves for a
 * `.py` file (its `main()`) or a notebook (its code cells, one run per visitor) at
 * `<base url>pywebio/apps/<path relative to the server root>`, in a new browser tab.
 * Offered in the file browser's context menu, the command palette and the notebook toolbar.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ICommandPalette, ToolbarButton } from "@jupyterlab/apputils";
import { PageConfig, URLExt } from "@jupyterlab/coreutils";
import type { DocumentRegistry } from "@jupyterlab/docregistry";
import { IDefaultFileBrowser } from "@jupyterlab/filebrowser";
import type { NotebookPanel } from "@jupyterlab/notebook";
import { launchIcon } from "@jupyterlab/ui-components";
import type { IDisposable } from "@lumino/disposable";

/** The command's id (also usable as `app.commands.execute(OPEN_APP, { path })`). */
export const OPEN_APP = "pywebio-nb:open-app";
const LABEL = "Open as PyWebIO app";
/** The file types an app can be made of (JupyterLab's names, as in `data-file-type`). */
const APP_FILE = /\.(py|ipynb)$/i;
const BROWSER_SELECTORS: readonly string[] = [
  '.jp-DirListing-item[data-file-type="python"]',
  '.jp-DirListing-item[data-file-type="notebook"]',
];

/** The URL of the app made of `path` (relative to the server root, `/`-separated). */
export function appUrl(path: string, baseUrl: string = PageConfig.getBaseUrl()): string {
  return URLExt.join(baseUrl, "pywebio", "apps", URLExt.encodeParts(path.replace(/^\/+/, "")));
}

/** `path` of a document widget (a notebook, an editor), if `widget` is one. */
function documentPath(widget: unknown): string | null {
  const context = (widget as { context?: { path?: unknown } } | null)?.context;
  return typeof context?.path === "string" ? context.path : null;
}

function activate(app: JupyterFrontEnd, palette: ICommandPalette | null, browser: IDefaultFileBrowser | null): void {
  const contents = app.serviceManager.contents;
  /**
   * The file the command applies to: an explicit `path` argument, else the file browser's
   * selection when invoked from its context menu, else the current document.
   */
  const target = (args: Record<string, unknown>): string | null => {
    let path: string | null = null;
    if (typeof args["path"] === "string") path = args["path"];
    else if (args["origin"] === "filebrowser") {
      const item = browser?.selectedItems().next();
      path = item && !item.done ? item.value.path : null;
    } else path = documentPath(app.shell.currentWidget);
    if (path === null) return null;
    // Drive-prefixed paths ("drive:dir/x.py") name files the server extension cannot see.
    const local = contents.localPath(path);
    return APP_FILE.test(local) && contents.driveName(path) === "" ? local : null;
  };
  app.commands.addCommand(OPEN_APP, {
    label: LABEL,
    caption: "Open this .py file or notebook as a pywebio_nb web app in a new browser tab",
    icon: (args) => (args["origin"] === "palette" ? undefined : launchIcon),
    isEnabled: (args) => target(args) !== null,
    execute: (args) => {
      const path = target(args);
      if (path === null) throw new Error(`${LABEL}: no .py or .ipynb file to open (${JSON.stringify(args)})`);
      // noopener: the app's tab gets no handle on this page (and its token-bearing URL).
      window.open(appUrl(path), "_blank", "noopener");
    },
  });
  for (const selector of BROWSER_SELECTORS) {
    app.contextMenu.addItem({ command: OPEN_APP, selector, rank: 3, args: { origin: "filebrowser" } });
  }
  palette?.addItem({ command: OPEN_APP, category: "PyWebIO", args: { origin: "palette" } });
  app.docRegistry.addWidgetExtension("Notebook", new ToolbarButtonExtension(app));
}

/** Adds the command's button to each notebook's toolbar. */
class ToolbarButtonExtension implements DocumentRegistry.IWidgetExtension<NotebookPanel, DocumentRegistry.IModel> {
  constructor(private readonly app: JupyterFrontEnd) {}

  createNew(panel: NotebookPanel): IDisposable {
    const button = new ToolbarButton({
      icon: launchIcon,
      tooltip: LABEL,
      className: "pywebio-nb-open-app",
      onClick: () => void this.app.commands.execute(OPEN_APP, { path: panel.context.path }),
    });
    // After the cell type selector when there is one (JupyterLab), else at the end.
    if (!panel.toolbar.insertAfter("cellType", "pywebio-nb-open-app", button)) {
      panel.toolbar.addItem("pywebio-nb-open-app", button);
    }
    return button;
  }
}

export const openAppPlugin: JupyterFrontEndPlugin<void> = {
  id: "pywebio-nb:open-app",
  description: 'The "Open as PyWebIO app" command for .py files and notebooks.',
  autoStart: true,
  optional: [ICommandPalette, IDefaultFileBrowser],
  activate,
};
