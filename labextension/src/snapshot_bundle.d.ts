// Types of lib/snapshot_bundle.js, which build_snapshot.mjs bundles from snapshot/entry.ts
// (type-checked on its own by tsconfig.snapshot.json).
export const SNAPSHOT_MIME: string;
/** Draw a saved pywebio_nb cell root into `host`, read-only; throws on malformed data. */
export function renderSnapshot(host: HTMLElement, data: unknown): unknown;
