/**
 * pywebio_nb's JupyterLab 4 / Notebook 7 extension (prebuilt; installed with the Python
 * package): "Open as PyWebIO app" and the renderer of saved pywebio_nb outputs.
 */
import type { JupyterFrontEndPlugin } from "@jupyterlab/application";
import { openAppPlugin } from "./open_app";
import { snapshotPlugin } from "./snapshot";

const plugins: JupyterFrontEndPlugin<void>[] = [openAppPlugin, snapshotPlugin];
export default plugins;
