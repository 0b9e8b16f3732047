// Build the two bundles of the frontend into ../pywebio_nb/static/:
//   widget.js  single-file ESM for anywidget (`export default {initialize, render}`):
//              everything inlined, dynamic imports included (no splitting)
//   page.js    ESM for the standalone server page (`<script type="module">`), split:
//              what only some apps use (Prism and its languages, mustache) is an
//              `import()` that esbuild turns into a chunk under chunks/, fetched on
//              first use, so it never weighs on the page's first load
//   code_editor.js  CodeMirror 6 (textarea(code=...)) as a standalone ESM module for the
//              anywidget: it does not fit the widget's budget (~210 KB gzip), so the
//              widget bundle leaves it out and the kernel sends this file over the comm
//              (a `blob`) with the first form that needs it; the widget imports it from
//              a Blob URL. The server page fetches the same code as a lazy chunk.
// CSS is compiled here (a Bootstrap 5 subset + our own styles) and bundled into the
// JS as text; the renderer injects it into its shadow root. `--watch` rebuilds on change.
// Each build prints the gzip size of what a first load fetches and fails over budget.
// themes/<name>.css  config(theme=...) / PYWEBIO_THEME: the same Bootstrap subset compiled
//              with a Bootswatch theme's variables and its extra rules, scoped to the
//              shadow root like the default; the server page adds it into the renderer's
//              shadow root after the default styles (one extra request, default theme none).

import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "..", "pywebio_nb", "static");
const watch = process.argv.includes("--watch");

// Bootstrap's reboot and root styles target `:root`/`html`/`body`, which do not exist
// inside a shadow root: retarget them to the shadow host and our root container.
function scopeToShadowRoot(css) {
  return css
    .replace(/:root,\s*\[data-bs-theme=light\]/g, ":host")
    .replace(/:root/g, ":host")
    .replace(/(^|[},])\s*html\s*(?=[{,])/g, "$1:host")
    .replace(/(^|[},])\s*body\s*(?=[{,])/g, "$1.pywebio-nb");
}

/**
 * esbuild plugin: `import css from "./x.scss"` gives the compiled, scoped CSS text;
 * `import css from "./x.css"` gives the minified CSS text.
 */
export const scssPlugin = {
  name: "css-text",
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const { code } = await esbuild.transform(source, { loader: "css", minify: true, target: "chrome90" });
      return { contents: code, loader: "text" };
    });
    build.onLoad({ filter: /\.scss$/ }, async (args) => {
      const result = await sass.compileAsync(args.path, {
        loadPaths: [join(here, "node_modules")],
        style: "compressed",
        quietDeps: true,
        silenceDeprecations: ["import", "global-builtin", "color-functions", "if-function"],
      });
      return {
        contents: scopeToShadowRoot(result.css),
        loader: "text",
        watchFiles: result.loadedUrls.filter((u) => u.protocol === "file:").map(fileURLToPath),
      };
    });
  },
};

/**
 * The themes of `config(theme=...)`: PyWebIO's name -> Bootswatch's. PyWebIO's `dark` was
 * its own; Darkly is Bootswatch's dark Bootstrap theme. "default" is the bundled style.
 */
export const THEMES = { dark: "darkly", sketchy: "sketchy", minty: "minty", yeti: "yeti" };

/**
 * Web fonts a theme cannot do without, inlined into its CSS as data URLs (no extra
 * request, nothing from Google Fonts): Sketchy's body font Neucha (25 KB, latin). Its
 * heading font (Cabin Sketch, 210 KB) is left out: headings fall back to `cursive`.
 * Chrome ignores @font-face inside a shadow root, so the page applies the theme file
 * to the document as well (where only these rules match anything).
 */
const THEME_FONTS = {
  sketchy: [{ family: "Neucha", weight: 400, file: "@fontsource/neucha/files/neucha-latin-400-normal.woff2" }],
};

async function fontFaces(name) {
  let css = "";
  for (const font of THEME_FONTS[name] ?? []) {
    const data = (await readFile(join(here, "node_modules", font.file))).toString("base64");
    css +=
      `@font-face{font-family:"${font.family}";font-style:normal;font-weight:${font.weight};` +
      `font-display:swap;src:url(data:font/woff2;base64,${data}) format("woff2")}\n`;
  }
  return css;
}

/**
 * A theme's `body` rule (colours, background, font, margin 0) goes to the shadow host, not
 * to the `.pywebio-nb` container as for the default styles: there its `margin: 0` would
 * beat the page's centred layout, and on the host its background covers the whole page.
 */
function scopeThemeToShadowRoot(css) {
  return scopeToShadowRoot(css.replace(/(^|[},])\s*body\s*(?=[{,])/g, "$1:host"));
}

/**
 * Compile each theme into `static/themes/<name>.css`: our subset with the theme's variables
 * before it and its `_bootswatch.scss` rules after, web fonts off (they would come from
 * Google Fonts; nothing is loaded from a CDN, the fallback font stacks apply). The host
 * paints the theme's background so a dark theme covers the whole page.
 */
async function buildThemes() {
  const dir = join(outdir, "themes");
  await mkdir(dir, { recursive: true });
  const subset = pathToFileURL(join(here, "src/styles/bootstrap-subset.scss")).href;
  for (const [name, bootswatch] of Object.entries(THEMES)) {
    const source =
      "$web-font-path: false;\n" +
      `@import "bootswatch/dist/${bootswatch}/variables";\n` +
      `@import "${subset}";\n` +
      `@import "bootswatch/dist/${bootswatch}/bootswatch";\n` +
      ":root{display:block;min-height:100vh}\n";
    const result = await sass.compileStringAsync(source, {
      loadPaths: [join(here, "node_modules")],
      style: "compressed",
      quietDeps: true,
      silenceDeprecations: ["import", "global-builtin", "color-functions", "if-function"],
    });
    // Sass starts compressed CSS holding non-ASCII text with a BOM: once the fonts are
    // put before it, the BOM would end up in (and void) the first selector.
    const { code } = await esbuild.transform(
      (await fontFaces(name)) + scopeThemeToShadowRoot(result.css.replace(/^\uFEFF/, "")),
      {
        loader: "css",
        minify: true,
        target: "chrome90",
      },
    );
    if (/@import|url\(\s*["']?(https?:)?\/\//.test(code))
      throw new Error(`theme ${name} would load something from the network`);
    await writeFile(join(dir, `${name}.css`), code);
    console.log(
      `themes/${name}.css: ${(code.length / 1024).toFixed(1)} KB, ${(gzipSync(code).length / 1024).toFixed(1)} KB gzip`,
    );
  }
}

/** Options shared by every bundle (also used by test bundles). */
export const common = {
  bundle: true,
  minify: true,
  target: "es2020",
  legalComments: "none",
  loader: { ".css": "text" },
  plugins: [scssPlugin],
  logLevel: "info",
  define: { "process.env.NODE_ENV": '"production"' },
};

/**
 * esbuild plugin of the widget bundle: `import("./code_editor")` resolves to a stub, so
 * CodeMirror stays out of widget.js (the widget gets it over the comm, see above).
 */
const codeEditorOverComm = {
  name: "code-editor-over-comm",
  setup(build) {
    build.onResolve({ filter: /^\.\/code_editor$/ }, () => ({ path: "code_editor", namespace: "comm-stub" }));
    build.onLoad({ filter: /.*/, namespace: "comm-stub" }, () => ({
      contents:
        "export function attachCodeEditor() { throw new Error('pywebio_nb: the code editor " +
        "module comes from the kernel with the form (code_module); none came'); }",
      loader: "js",
    }));
  },
};

const targets = [
  {
    ...common,
    entryPoints: [join(here, "src/entries/widget.ts")],
    format: "esm",
    outfile: join(outdir, "widget.js"),
    metafile: true,
    plugins: [...common.plugins, codeEditorOverComm],
  },
  {
    ...common,
    entryPoints: { code_editor: join(here, "src/renderer/code_editor.ts") },
    format: "esm",
    outdir,
    metafile: true,
  },
  {
    ...common,
    entryPoints: { page: join(here, "src/entries/page.ts") },
    format: "esm",
    splitting: true,
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    metafile: true,
  },
];

/** First-load budgets (gzip bytes) of the issue: page <= 90 KB in <= 5 requests, widget <= 120 KB. */
const BUDGETS = { "widget.js": 120 * 1024, "page.js": 90 * 1024, "code_editor.js": null };

/**
 * Print, for each entry, the gzip size of the files a first load fetches (the entry and
 * the chunks it imports statically) and of its lazy chunks; return the over-budget ones.
 */
async function report(metafile) {
  const problems = [];
  const outputs = metafile.outputs;
  const gz = async (file) => gzipSync(await readFile(join(here, file))).length;
  for (const [file, meta] of Object.entries(outputs)) {
    const name = file.split("/").pop();
    // Lazy chunks are entry points too (of their import()); report them under their entry.
    if (!meta.entryPoint || !(name in BUDGETS)) continue;
    const eager = new Set([file]);
    const lazy = new Set();
    const visit = (f) => {
      for (const imp of outputs[f]?.imports ?? []) {
        if (imp.external) continue;
        if (imp.kind === "dynamic-import") lazy.add(imp.path);
        else if (!eager.has(imp.path)) {
          eager.add(imp.path);
          visit(imp.path);
        }
      }
    };
    visit(file);
    let total = 0;
    for (const f of eager) total += await gz(f);
    const lazySizes = [];
    for (const f of lazy)
      if (!eager.has(f)) lazySizes.push(`${f.split("/").pop()} ${((await gz(f)) / 1024).toFixed(1)} KB`);
    const budget = BUDGETS[name];
    console.log(
      `${name}: first load ${eager.size} file(s), ${(total / 1024).toFixed(1)} KB gzip` +
        (budget ? ` (budget ${budget / 1024} KB)` : "") +
        (lazySizes.length ? `; lazy chunks (gzip): ${lazySizes.join(", ")}` : ""),
    );
    if (budget && total > budget) problems.push(`${name} is ${total} bytes gzip, over its ${budget} byte budget`);
  }
  return problems;
}

/**
 * Chart libraries that no Python package ships (pyecharts and cutecharts name a CDN):
 * pinned npm copies, copied as they are into static/lib/, served by pywebio_nb.charts
 * only when a chart uses them (never part of the page's first load).
 */
const VENDORED_LIBRARIES = {
  "echarts/dist/echarts.min.js": "echarts.min.js",
  "chart.xkcd/dist/chart.xkcd.min.js": "chart.xkcd.min.js",
};

async function copyVendoredLibraries() {
  const dir = join(outdir, "lib");
  await mkdir(dir, { recursive: true });
  for (const [from, to] of Object.entries(VENDORED_LIBRARIES)) {
    await writeFile(join(dir, to), await readFile(join(here, "node_modules", from)));
  }
}

async function main() {
  if (watch) {
    for (const options of targets) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    }
    console.log("watching js/src for changes...");
  } else {
    // One at a time: the build machines have two cores.
    const problems = [];
    const written = new Set();
    for (const options of targets) {
      const result = await esbuild.build({ ...options, absWorkingDir: here });
      for (const file of Object.keys(result.metafile.outputs)) written.add(join(here, file));
      problems.push(...(await report(result.metafile)));
    }
    await buildThemes();
    await copyVendoredLibraries();
    // Chunk names carry a content hash: drop the chunks of earlier builds, after this
    // build wrote its own (a page being served meanwhile never misses a chunk).
    const chunks = join(outdir, "chunks");
    for (const name of await readdir(chunks).catch(() => [])) {
      if (!written.has(join(chunks, name))) await rm(join(chunks, name), { force: true });
    }
    if (problems.length) {
      console.error(`bundle over budget:\n  ${problems.join("\n  ")}`);
      process.exitCode = 1;
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
