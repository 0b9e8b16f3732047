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
  prism ??= import("./lazy/prism").then(async (module) => {
    await loadPrismComponents();
    return module;
  });
  return prism;
}

/** The page's `config(js_file=...)` Prism components, marked by the server to run after Prism. */
const PRISM_COMPONENT = 'script[type="text/x-pywebio-prism-component"][data-src]';

/** Load each marked Prism language component in order, now that the global `Prism` exists. */
async function loadPrismComponents(): Promise<void> {
  if (typeof document === "undefined") return;
  for (const marker of Array.from(document.querySelectorAll<HTMLScriptElement>(PRISM_COMPONENT))) {
    const script = document.createElement("script");
    script.src = marker.dataset["src"] ?? "";
    await new Promise<void>((resolve) => {
      script.addEventListener("load", () => resolve());
      script.addEventListener("error", () => {
        console.error(`pywebio_nb: the Prism component ${script.src} could not load`);
        resolve();
      });
      marker.replaceWith(script);
    });
  }
}

export function loadMustache(): Promise<Templates> {
  mustache ??= import("./lazy/mustache");
  return mustache;
}
