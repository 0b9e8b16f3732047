/**
 * Renderer-only edge cases of output_ctl that the shared table does not hold yet
 * (candidates for tests/conformance/output_tree.json).
 */
import { expect, it } from "vitest";
import { Renderer } from "../src/renderer/renderer";

const ROOT = "#pywebio-scope-ROOT";
const text = (content: string) => ({
  command: "output",
  task_id: null,
  spec: { type: "text", content, inline: false, scope: ROOT, position: -1 },
});
const scope = (name: string) => ({
  command: "output_ctl",
  task_id: null,
  spec: { set_scope: `pywebio-scope-${name}`, container: ROOT, position: -1, if_exist: null },
});

it("clear_range whose end scope does not follow the start removes nothing", () => {
  const renderer = new Renderer(document.createElement("div"), () => {}, { mode: "page" });
  renderer.handle([
    scope("y"),
    text("a"),
    scope("x"),
    text("b"),
    { command: "output_ctl", task_id: null, spec: { clear_range: ["#pywebio-scope-x", "#pywebio-scope-y"] } },
  ]);
  expect(renderer.root.getElementById("pywebio-scope-ROOT")?.textContent).toBe("ab");
});
