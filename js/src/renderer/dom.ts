/** Small DOM and value helpers shared by the renderer modules. */

/** Compile-time exhaustiveness check: reaching this at run time is a bug. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Create an element with attributes (false/null/undefined are skipped) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a "text or spec" value (a table cell, a tab's content) is the spec: a record. */
export function isSpec<S extends object>(value: S | string): value is S {
  return isRecord(value);
}

/** A string field of untrusted data, or `fallback`. */
export function str(value: unknown, fallback = ""): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return fallback;
}

/** Set a label's or help line's text from untrusted data, hiding the element while empty. */
export function setShownText(node: HTMLElement, text: unknown): void {
  node.textContent = str(text);
  node.hidden = !node.textContent;
}

/** Append CSS declarations to an element's inline style. */
export function appendStyle(node: HTMLElement, style: string | undefined): void {
  if (style) node.style.cssText = `${node.style.cssText};${style}`;
}

/**
 * Insert `node` into `parent` following PyWebIO's position rule: `position >= 0`
 * inserts before the child at that index (append when out of range); `position < 0`
 * inserts after the child at index `len + position` (prepend when out of range).
 */
export function insertAt(parent: Element, node: Node, position = -1): void {
  const children = parent.children;
  if (position >= 0) {
    const ref = children[position];
    if (ref) parent.insertBefore(node, ref);
    else parent.append(node);
    return;
  }
  const ref = children[children.length + position];
  if (ref) ref.after(node);
  else parent.prepend(node);
}

/** Decode base64 into bytes. */
export function base64ToBytes(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Save bytes as a file through a temporary object URL. */
export function saveBytes(name: string, bytes: Uint8Array<ArrayBuffer>): void {
  const url = URL.createObjectURL(new Blob([bytes]));
  const link = h("a", { href: url, download: name, style: "display:none" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Bootstrap button colour class, e.g. `btn-primary`, `btn-outline-danger`, `btn-link`. */
export function buttonClass(color: string, opts: { outline?: boolean; link?: boolean; small?: boolean }): string {
  const base = opts.link ? "btn btn-link" : `btn btn-${opts.outline ? "outline-" : ""}${color || "primary"}`;
  return opts.small ? `${base} btn-sm` : base;
}
