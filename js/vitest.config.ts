/**
 * Vitest runs the renderer in jsdom: it implements the open shadow roots the renderer
 * draws into, and DOMPurify sanitizes there as in a browser (happy-dom 21 kept a <script>
 * that DOMPurify removes in browsers, so the sanitizing tests would test happy-dom). Stylesheets are bundled as text by build.mjs; the tests need no
 * CSS, so every `*.css` / `*.scss` import resolves to an empty string here.
 */
import type { Plugin } from "vitest/config";
import { defineConfig } from "vitest/config";

const EMPTY_STYLE = "\0empty-style";

const stylesAsEmptyText: Plugin = {
  name: "styles-as-empty-text",
  enforce: "pre",
  resolveId(source) {
    // A virtual id (\0 prefix) keeps Vite's own CSS pipeline away from it.
    return /\.s?css$/.test(source) ? EMPTY_STYLE : null;
  },
  load(id) {
    return id === EMPTY_STYLE ? 'export default "";' : null;
  },
};

export default defineConfig({
  plugins: [stylesAsEmptyText],
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
  },
});
