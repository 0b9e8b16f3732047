/** The `table` output: a 2-D `data` list whose first row is the header. */
import type { OutputOf, OutputSpec } from "../../protocol.gen";
import type { RenderContext } from "../context";
import { h, isSpec, str } from "../dom";

function renderCell(value: string | OutputSpec, ctx: RenderContext, cell: HTMLTableCellElement): void {
  // A string cell is text (escaped); an object is a nested output spec.
  if (isSpec(value)) cell.append(ctx.renderOutput(value));
  else cell.textContent = str(value);
}

export function renderTable(spec: OutputOf<"table">, ctx: RenderContext): HTMLElement {
  const table = h("table", { class: "pywebio-table" });
  const span = spec.span ?? {};
  const rows = spec.data ?? [];
  let body: HTMLTableSectionElement | null = null;
  rows.forEach((row, r) => {
    const tr = h("tr");
    (Array.isArray(row) ? row : []).forEach((value, c) => {
      const cell = h(r === 0 ? "th" : "td");
      const cellSpan = span[`${r},${c}`];
      if (cellSpan?.["row"] && cellSpan["row"] > 1) cell.rowSpan = cellSpan["row"];
      if (cellSpan?.["col"] && cellSpan["col"] > 1) cell.colSpan = cellSpan["col"];
      renderCell(value, ctx, cell);
      tr.append(cell);
    });
    if (r === 0) {
      table.append(h("thead", {}, tr));
    } else {
      if (!body) body = table.appendChild(h("tbody"));
      body.append(tr);
    }
  });
  return table;
}
