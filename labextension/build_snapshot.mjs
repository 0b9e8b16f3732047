// Bundle snapshot/entry.ts (pywebio_nb's renderer, from ../js/src) into lib/snapshot_bundle.js
// with js/'s esbuild options (its stylesheet plugin, minified, es2020), as an ES module the
// extension imports lazily; `tsc` then compiles src/ beside it and `jupyter labextension
// build` bundles both. CodeMirror stays out (as in the widget bundle: ~210 KB gzip), so a
// saved code textarea shows as a plain textarea. Prints the gzip size.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { common } from "../js/build.mjs";
// esbuild is js/'s: the renderer is built by exactly the same compiler and options.
import * as esbuild from "../js/node_modules/esbuild/lib/main.js";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, "lib", "snapshot_bundle.js");

const noCodeEditor = {
  name: "no-code-editor",
  setup(build) {
    build.onResolve({ filter: /^\.\/code_editor$/ }, () => ({ path: "code_editor", namespace: "no-editor" }));
    build.onLoad({ filter: /.*/, namespace: "no-editor" }, () => ({
      contents: "export function attachCodeEditor() { throw new Error('pywebio_nb: no code editor in a snapshot'); }",
      loader: "js",
    }));
  },
};

await mkdir(dirname(outfile), { recursive: true });
const result = await esbuild.build({
  ...common,
  entryPoints: [join(here, "snapshot", "entry.ts")],
  format: "esm",
  outfile,
  absWorkingDir: here,
  logLevel: "warning",
  plugins: [...common.plugins, noCodeEditor],
  write: false,
});
// The renderer imports a code editor module the kernel sends from a Blob URL (`import(url)`);
// rspack must leave that runtime import alone (and not warn about it).
const code = result.outputFiles[0].text.replace(/\bimport\(([A-Za-z_$][\w$]*)\)/g, "import(/*webpackIgnore:true*/$1)");
await writeFile(outfile, code);
const size = gzipSync(code).length;
console.log(`lib/snapshot_bundle.js: ${(size / 1024).toFixed(1)} KB gzip (loaded on the first snapshot shown)`);
