/**
 * The libraries only some apps use, loaded on first use: Prism (`put_code` with a
 * language) and mustache (`put_widget`). esbuild splits each `import()` into a chunk of
 * the server page; the anywidget bundle (no splitting) inlines them. A renderer draws
 * at once and completes its element when the library is there.
 */
type Highlighter = typeof import("./lazy/prism");
type Templates = typeof import("./lazy/mustache");

let prism: Promise<Highlighter> | null = null;
let mustache: Promise<Templates> | null = null;

export function loadPrism(): Promise<Highlighter> {
  prism ??= import("./lazy/prism");
  return prism;
}

export function loadMustache(): Promise<Templates> {
  mustache ??= import("./lazy/mustache");
  return mustache;
}
