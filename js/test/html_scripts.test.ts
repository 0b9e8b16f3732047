/**
 * put_html's scripts (html_scripts.ts) in jsdom, which runs no script: what can be seen
 * without running one. The scripts running in order, the libraries loading and the
 * charts drawing are tested in Chromium (tests/browser/test_charts_page.py).
 */
import { describe, expect, it } from "vitest";
import { loadLibrary } from "../src/renderer/html_scripts";
import { harness, output } from "./helpers";

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe("put_html scripts", () => {
  it("ids inside the renderer's shadow root are found through document once a root ran scripts", async () => {
    const t = harness();
    document.body.append(t.renderer.root.host);
    expect(document.getElementById("chart-1")).toBeNull();
    t.handle(output({ type: "html", content: '<div id="chart-1"></div><script>1</script>', sanitize: false }));
    await settle();
    expect(document.getElementById("chart-1")?.id).toBe("chart-1");
    expect(document.querySelector("#chart-1")?.id).toBe("chart-1");
    // What the document itself holds still wins.
    const own = document.createElement("div");
    own.id = "chart-1";
    document.body.append(own);
    expect(document.getElementById("chart-1")).toBe(own);
    own.remove();
    t.renderer.root.host.remove();
    expect(document.getElementById("chart-1")).toBeNull();
  });

  it("a local require() exists after chart HTML ran, with config/undef as no-ops", async () => {
    const t = harness();
    document.body.append(t.renderer.root.host);
    t.handle(output({ type: "html", content: "<div></div><script>1</script>", sanitize: false }));
    await settle();
    const w = window as unknown as Record<string, { config: () => void; pywebio?: boolean }>;
    expect(w["require"]?.pywebio).toBe(true);
    expect(w["requirejs"]).toBe(w["require"]);
    t.renderer.root.host.remove();
  });

  it("each script is replaced by a live copy, in place, keeping its attributes", async () => {
    const t = harness();
    document.body.append(t.renderer.root.host);
    t.handle(
      output({
        type: "html",
        content: '<p>a</p><script type="application/json" id="data">{"x": 1}</script><p>b</p>',
        sanitize: false,
      }),
    );
    await settle();
    const html = t.root().querySelector(".pywebio-html");
    expect(Array.from(html?.children ?? [], (e) => e.tagName)).toEqual(["P", "SCRIPT", "P"]);
    expect(document.getElementById("data")?.textContent).toBe('{"x": 1}');
    t.renderer.root.host.remove();
  });

  it("a library nobody sent fails with its name", async () => {
    await expect(loadLibrary("nothing-here")).rejects.toThrow(/"nothing-here" is not available/);
  });
});
