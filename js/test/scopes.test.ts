/**
 * Renderer-only edge cases of output_ctl that the shared table does not hold yet
 * (candidates for tests/conformance/output_tree.json).
 */
import { expect, it } from "vitest";
import { command, harness, ROOT } from "./helpers";

const text = (content: string) => command("output", { type: "text", content, scope: ROOT, position: -1 });
const scope = (name: string) =>
  command("output_ctl", { set_scope: `pywebio-scope-${name}`, container: ROOT, position: -1, if_exist: null });

it("clear_range whose end scope does not follow the start removes nothing", () => {
  const t = harness();
  t.handle(
    scope("y"),
    text("a"),
    scope("x"),
    text("b"),
    command("output_ctl", { clear_range: ["#pywebio-scope-x", "#pywebio-scope-y"] }),
  );
  expect(t.root().textContent).toBe("ab");
});
