/**
 * Runs before Prism's core (imported first): Prism reads `manual` from an existing global
 * `Prism` and, without it, would highlight every `<code class="language-...">` of the
 * host document (a JupyterLab page) on its own.
 */
const scope = globalThis as { Prism?: { manual?: boolean } };
scope.Prism = { ...scope.Prism, manual: true };
