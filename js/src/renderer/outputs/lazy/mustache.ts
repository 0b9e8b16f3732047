/** mustache.js, loaded only when the first `put_widget` output appears. */
import Mustache from "mustache";

/** Render `template` with `view` (mustache escapes `{{x}}`; `{{& x}}` is raw). */
export function renderTemplate(template: string, view: Record<string, unknown>): string {
  return Mustache.render(template, view);
}

export const escapeHtml: (text: string) => string = Mustache.escape;
