/** The buttons family: `put_buttons` / `put_button`; a click sends a `callback` event. */
import type { OutputOf, OutputType } from "../../protocol.gen";
import type { RenderContext } from "../context";
import { buttonClass, h, str } from "../dom";
import type { FamilyRenderers } from "./types";

/** The output types this file renders; `BUTTONS_RENDERERS` has exactly these keys. */
export const BUTTONS_TYPES = ["buttons"] as const satisfies readonly OutputType[];

function renderButtons(spec: OutputOf<"buttons">, ctx: RenderContext): HTMLElement {
  const node = h("div", { class: spec.group ? "pywebio-buttons btn-group" : "pywebio-buttons", role: "group" });
  const callbackId = str(spec.callback_id);
  for (const button of spec.buttons ?? []) {
    const color = str(button.color, "primary");
    const el = h("button", {
      type: "button",
      class: buttonClass(color, { outline: spec.outline, link: spec.link, small: spec.small }),
      disabled: button.disabled === true,
    });
    el.textContent = str(button.label);
    const value = button.value ?? null;
    el.addEventListener("click", () => ctx.send({ event: "callback", task_id: callbackId, data: value }));
    node.append(el);
  }
  return node;
}

export const BUTTONS_RENDERERS: FamilyRenderers<typeof BUTTONS_TYPES> = {
  buttons: renderButtons,
};
