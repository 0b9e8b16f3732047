/**
 * The shared conformance table (tests/conformance/output_tree.json: commands in, output
 * tree out) run against the DOM renderer. pytest runs the same table against the Python
 * page model, so the browser and the reload snapshot agree by test, not by care.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import table from "../../tests/conformance/output_tree.json";
import { ROOT_SCOPE, SCOPE_PREFIX } from "../src/protocol.gen";
import { Renderer } from "../src/renderer/renderer";

type Tree = Array<string | { scope: string; children: Tree }>;

interface Case {
  name: string;
  commands: unknown[];
  tree: Tree;
}

/** The children of `scope` in the table's shape: scopes by name, outputs by their text. */
function walk(scope: Element): Tree {
  return Array.from(scope.children, (child) =>
    child.id.startsWith(SCOPE_PREFIX)
      ? { scope: child.id.slice(SCOPE_PREFIX.length), children: walk(child) }
      : (child.textContent ?? "").trim(),
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("output tree conformance", () => {
  it("has cases", () => {
    expect((table.cases as Case[]).length).toBeGreaterThan(10);
  });

  it.each(table.cases as Case[])("$name", ({ commands, tree }) => {
    const errors = vi.spyOn(console, "error");
    vi.spyOn(console, "debug").mockImplementation(() => {});
    const renderer = new Renderer(document.createElement("div"), () => {}, { mode: "page" });
    renderer.handle(commands);
    const root = renderer.root.getElementById(`${SCOPE_PREFIX}${ROOT_SCOPE}`);
    expect(root).not.toBeNull();
    expect(walk(root as Element)).toEqual(tree);
    expect(errors).not.toHaveBeenCalled();
  });
});
