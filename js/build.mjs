// Build the two bundles of the frontend into ../pywebio_nb/static/:
//   widget.js  single-file ESM for anywidget (`export default {initialize, render}`)
//   page.js    IIFE for the standalone server page
// CSS is compiled here (a Bootstrap 5 subset + our own styles) and bundled into the
// JS as text; the renderer injects it into its shadow root. `--watch` rebuilds on change.

import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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

const targets = [
  { ...common, entryPoints: [join(here, "src/entries/widget.ts")], format: "esm", outfile: join(outdir, "widget.js") },
  { ...common, entryPoints: [join(here, "src/entries/page.ts")], format: "iife", outfile: join(outdir, "page.js") },
];

async function main() {
  if (watch) {
    for (const options of targets) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    }
    console.log("watching js/src for changes...");
  } else {
    // One at a time: the build machines have two cores.
    for (const options of targets) await esbuild.build(options);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
