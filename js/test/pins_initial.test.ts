/**
 * The shared table of pin initial values (tests/conformance/pin_initial.json): the value
 * each view starts with. pytest runs the same cases against the page model, which answers
 * `pin.name` from them without asking the browser, so both sides must agree.
 */
import { describe, expect, it } from "vitest";
import table from "../../tests/conformance/pin_initial.json";
import { command, harness, output } from "./helpers";

interface Case {
  name: string;
  item: Record<string, unknown>;
  value?: unknown;
  unknown?: boolean;
}

const cases = (table.cases as Case[]).filter((c) => !c.unknown);

describe("pin initial values (shared table)", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const t = harness();
    t.handle(output({ type: "pin", input: c.item }), command("pin_value", { name: "p" }, "t"));
    expect(t.sent).toEqual([{ event: "js_yield", task_id: "t", data: c.value }]);
  });
});
