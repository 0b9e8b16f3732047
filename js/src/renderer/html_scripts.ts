/**
 * The `<script>` elements of `put_html` content, run as PyWebIO runs them: in document
 * order, each external one loaded before the next runs, once the HTML is in the page.
 * What chart HTML (plotly, Bokeh, pyecharts, cutecharts) needs beyond that, and nothing
 * fetched from a CDN:
 *
 * - Libraries (`spec.libs`, see `pywebio_nb/charts`): `<script data-pywebio-lib="NAME">`
 *   placeholders load a named library once per window, from the server's `lib/NAME.js`
 *   (server page; relative to this bundle's URL) or from the bytes the kernel sent once
 *   (notebook; an object URL of the blob).
 * - `require([...], cb)`: a minimal local AMD `require`/`requirejs` (installed only where
 *   no real one exists) that answers names from the same libraries; `require.config`
 *   paths (CDN URLs) are ignored.
 * - The renderer draws in a shadow root, where `document.getElementById(id)` and
 *   `document.querySelector(sel)` (used by chart code with the ids of its own HTML) find
 *   nothing. Once a root ran such scripts, a lookup on `document` that finds nothing
 *   looks into those roots too; it never changes what a lookup finds in the document.
 * - Styles a library adds to `document.head` (plotly's) do not reach a shadow root: their
 *   rules are copied into each root that runs scripts.
 */
import type { OutputOf } from "../protocol.gen";
import type { RenderContext } from "./context";
import { isRecord, str } from "./dom";

interface Source {
  /** The library's code: a Blob (notebook) or an absolute URL (server page). */
  readonly src: Blob | string | null;
  readonly globalName: string;
}

/**
 * What every copy of this module in the window shares. anywidget imports the widget
 * bundle once per widget model (each cell root has its own module instance), while a
 * library is loaded once per window and its bytes come with one cell's messages only.
 */
interface Shared {
  /** Library name -> where its code is, from the html specs seen so far. */
  readonly sources: Map<string, Source>;
  /** Library name -> its global once loaded; one load per window. */
  readonly loaded: Map<string, Promise<unknown>>;
  /** Library name -> the style elements it added to the document's head. */
  readonly libraryStyles: Map<string, Element[]>;
  /** Per shadow root, the libraries whose styles were copied into it. */
  readonly adopted: WeakMap<ShadowRoot, Set<string>>;
  /** Shadow roots whose scripts may look elements up through `document`. */
  readonly lookupRoots: Set<ShadowRoot>;
  lookupPatched: boolean;
}

const SHARED_KEY = "__pywebio_nb_charts";

function shared(): Shared {
  const w = window as unknown as Record<string, Shared | undefined>;
  w[SHARED_KEY] ??= {
    sources: new Map(),
    loaded: new Map(),
    libraryStyles: new Map(),
    adopted: new WeakMap(),
    lookupRoots: new Set(),
    lookupPatched: false,
  };
  return w[SHARED_KEY];
}

/** Base URL of library paths: this bundle's own URL (the frontend files' base). */
function baseUrl(): string {
  return typeof document !== "undefined" && import.meta.url ? import.meta.url : document.baseURI;
}

/** Remember the libraries an html spec names (bytes are taken now: the blob store may drop them). */
function registerSources(libs: unknown, ctx: RenderContext): void {
  if (!isRecord(libs)) return;
  const { sources } = shared();
  for (const [name, entry] of Object.entries(libs)) {
    if (!isRecord(entry) || sources.get(name)?.src) continue;
    const ref = entry["src"];
    let src: Blob | string | null = null;
    if (typeof ref === "string") src = new URL(ref, baseUrl()).href;
    else if (isRecord(ref) && typeof ref["blob"] === "string") {
      src = ctx.blobs.get({ blob: ref["blob"], size: Number(ref["size"]), mime: str(ref["mime"]) });
    }
    sources.set(name, { src, globalName: str(entry["global_name"]) });
  }
}

/** Load library `name` once per window; resolves with its global. */
export function loadLibrary(name: string): Promise<unknown> {
  const { sources, loaded, libraryStyles, lookupRoots } = shared();
  const known = loaded.get(name);
  if (known) return known;
  const source = sources.get(name);
  if (!source?.src) {
    return Promise.reject(
      new Error(`the chart library ${JSON.stringify(name)} is not available here (not installed with Python?)`),
    );
  }
  const url = typeof source.src === "string" ? source.src : URL.createObjectURL(source.src);
  const before = new Set(document.head.querySelectorAll("style, link[rel=stylesheet]"));
  const promise = new Promise<unknown>((resolve, reject) => {
    const script = document.createElement("script");
    script.async = false;
    script.dataset["pywebioLib"] = name;
    script.addEventListener("load", () => {
      libraryStyles.set(
        name,
        Array.from(document.head.querySelectorAll("style, link[rel=stylesheet]")).filter((e) => !before.has(e)),
      );
      for (const root of lookupRoots) adoptStyles(root);
      resolve((window as unknown as Record<string, unknown>)[source.globalName]);
    });
    script.addEventListener("error", () => {
      loaded.delete(name);
      reject(new Error(`the chart library ${JSON.stringify(name)} could not load from ${url}`));
    });
    script.src = url;
    document.head.append(script);
  });
  loaded.set(name, promise);
  return promise;
}

/** Copy the rules of the loaded libraries' head styles into `root`, once per library. */
function adoptStyles(root: ShadowRoot): void {
  const { adopted, libraryStyles } = shared();
  const done = adopted.get(root) ?? new Set<string>();
  adopted.set(root, done);
  for (const [name, elements] of libraryStyles) {
    if (done.has(name)) continue;
    done.add(name);
    for (const element of elements) {
      if (element instanceof HTMLStyleElement) {
        const rules = element.sheet ? Array.from(element.sheet.cssRules, (rule) => rule.cssText).join("\n") : "";
        const copy = document.createElement("style");
        copy.textContent = rules || element.textContent;
        copy.dataset["pywebioLibStyle"] = name;
        root.append(copy);
      } else {
        root.append(element.cloneNode(true));
      }
    }
  }
}

function findInRoots<T>(find: (root: ShadowRoot) => T | null): T | null {
  for (const root of shared().lookupRoots) {
    if (!root.host.isConnected) continue;
    const found = find(root);
    if (found) return found;
  }
  return null;
}

/** Let `document.getElementById`/`querySelector` find elements of `root` the document lacks. */
function addLookupRoot(root: ShadowRoot): void {
  const state = shared();
  state.lookupRoots.add(root);
  if (state.lookupPatched) return;
  state.lookupPatched = true;
  const proto = Document.prototype;
  const byId = proto.getElementById;
  const query = proto.querySelector as (this: Document, selectors: string) => Element | null;
  proto.getElementById = function (this: Document, id: string): HTMLElement | null {
    const found = byId.call(this, id);
    if (found || this !== document) return found;
    return findInRoots((root) => root.getElementById(id) as HTMLElement | null);
  };
  proto.querySelector = function (this: Document, selectors: string): Element | null {
    const found = query.call(this, selectors);
    if (found || this !== document) return found;
    return findInRoots((root) => root.querySelector(selectors));
  } as typeof proto.querySelector;
}

type Callback = (...modules: unknown[]) => void;
interface RequireShim {
  (deps: unknown, callback?: unknown, errback?: unknown): void;
  config: (options?: unknown) => void;
  undef: (name?: unknown) => void;
  pywebio: true;
}

/** A minimal AMD `require` for chart HTML, where the page has none. */
function installRequire(): void {
  const w = window as unknown as Record<string, unknown>;
  if (w["require"] !== undefined || w["requirejs"] !== undefined) return;
  const shim = ((deps: unknown, callback?: unknown, errback?: unknown): void => {
    const names = (Array.isArray(deps) ? deps : [deps]).map((d) => str(d));
    Promise.all(names.map(loadLibrary)).then(
      (modules) => {
        if (typeof callback === "function") (callback as Callback)(...modules);
      },
      (error: unknown) => {
        console.error(`pywebio_nb: require(${JSON.stringify(names)}) failed`, error);
        if (typeof errback === "function") (errback as Callback)(error);
      },
    );
  }) as RequireShim;
  // Paths point at CDNs: the libraries come from pywebio_nb instead.
  shim.config = () => undefined;
  shim.undef = () => undefined;
  shim.pywebio = true;
  w["require"] = shim;
  w["requirejs"] = shim;
}

const JS_TYPES = new Set(["", "text/javascript", "application/javascript", "module", "text/ecmascript"]);

async function whenConnected(node: HTMLElement): Promise<boolean> {
  await Promise.resolve();
  for (let i = 0; !node.isConnected && i < 120; i++) {
    await new Promise<void>((resolve) =>
      typeof requestAnimationFrame === "function" ? requestAnimationFrame(() => resolve()) : setTimeout(resolve, 16),
    );
  }
  return node.isConnected;
}

/** Run one script: a live copy replaces the inert one; an external one is awaited. */
function runScript(old: HTMLScriptElement): Promise<void> {
  const fresh = document.createElement("script");
  for (const attr of Array.from(old.attributes)) fresh.setAttribute(attr.name, attr.value);
  fresh.text = old.text;
  const external = old.hasAttribute("src") && JS_TYPES.has((old.getAttribute("type") ?? "").trim().toLowerCase());
  if (!external) {
    old.replaceWith(fresh);
    return Promise.resolve();
  }
  fresh.async = false;
  return new Promise<void>((resolve) => {
    fresh.addEventListener("load", () => resolve());
    fresh.addEventListener("error", () => {
      console.error(`pywebio_nb: put_html: the script ${fresh.src} could not load`);
      resolve();
    });
    old.replaceWith(fresh);
  });
}

async function runScripts(node: HTMLElement, scripts: HTMLScriptElement[], ctx: RenderContext): Promise<void> {
  if (!(await whenConnected(node))) return;
  addLookupRoot(ctx.root);
  installRequire();
  adoptStyles(ctx.root);
  for (const script of scripts) {
    if (!script.isConnected) continue;
    const library = script.getAttribute("data-pywebio-lib");
    if (library === null) await runScript(script);
    else {
      try {
        await loadLibrary(library);
      } catch (error) {
        ctx.reportError("put_html: a chart library did not load", error);
      }
    }
  }
}

/**
 * Run the scripts of an unsanitized html output once `node` is in the document.
 * `innerHTML` leaves them inert; each is replaced by a live copy in turn.
 * Returns when all ran (tests await it).
 */
export function activateHtml(node: HTMLElement, spec: OutputOf<"html">, ctx: RenderContext): Promise<void> {
  const scripts = Array.from(node.querySelectorAll("script"));
  if (!scripts.length) return Promise.resolve();
  registerSources(spec.libs, ctx);
  return runScripts(node, scripts, ctx).catch((error: unknown) =>
    ctx.reportError("put_html: running its scripts failed", error),
  );
}
