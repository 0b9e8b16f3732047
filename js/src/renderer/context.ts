/** What every renderer module gets: the root, the transport's `send`, the mode. */
import type { Event, OutputSpec } from "../protocol.gen";
import type { BlobStore } from "./blobs";

export type Mode = "page" | "widget";

export interface RenderContext {
  /** The shadow root everything is drawn in; selectors are resolved here. */
  readonly root: ShadowRoot;
  /** The `.pywebio-nb` container. */
  readonly container: HTMLElement;
  /** The `.pywebio-forms` panel that holds input forms. */
  readonly forms: HTMLElement;
  readonly mode: Mode;
  send(event: Event): void;
  /** Render one output spec into a new element (used for nested specs). */
  renderOutput(spec: OutputSpec): HTMLElement;
  /** Bytes received beside the commands (`blob`), by id; object URLs for outputs. */
  readonly blobs: BlobStore;
  /** Show a visible error box in the root and log it. */
  reportError(message: string, error?: unknown): void;
}
