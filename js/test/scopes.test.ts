/**
 * output_ctl beyond the shared table: an edge case it does not hold yet (a candidate for
 * tests/conformance/output_tree.json) and effects outside the tree (scrolling, kept height).
 */
import { expect, it, vi } from "vitest";
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

it("scroll_to scrolls the scope to the asked place", () => {
  const scroll = vi.spyOn(Element.prototype, "scrollIntoView");
  const t = harness();
  t.handle(scope("x"), command("output_ctl", { scroll_to: "#pywebio-scope-x", position: "middle" }));
  expect(scroll).toHaveBeenCalledOnce();
  expect(scroll.mock.contexts[0]).toBe(t.renderer.root.getElementById("pywebio-scope-x"));
  expect(scroll.mock.calls[0]?.[0]).toEqual({ behavior: "smooth", block: "center" });
  scroll.mockRestore();
});

it("if_exist blank keeps the scope's height until loose", () => {
  const t = harness();
  t.handle(scope("x"), text("a"));
  const el = t.renderer.root.getElementById("pywebio-scope-x");
  if (!el) throw new Error("no scope");
  // jsdom does no layout: give the scope a height to keep.
  el.getBoundingClientRect = () => ({ height: 42 }) as DOMRect;
  t.handle(command("output_ctl", { set_scope: "pywebio-scope-x", container: ROOT, position: -1, if_exist: "blank" }));
  expect(el.style.minHeight).toBe("42px");
  t.handle(command("output_ctl", { loose: "#pywebio-scope-x" }));
  expect(el.style.minHeight).toBe("");
});
