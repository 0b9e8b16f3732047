/**
 * The snapshot of a cell root saved in a notebook: one kernel->frontend comm message
 * (commands + binary buffers) serialized as JSON, the buffers in base64:
 * `{"version": 1, "root": "<root id>", "commands": [...], "buffers": ["<base64>", ...]}`.
 */
import type { Command } from "../../js/src/protocol.gen";

/** The MIME type pywebio_nb's cell roots carry their snapshot under. */
export const SNAPSHOT_MIME = "application/vnd.pywebio-nb.snapshot+json";

/** The snapshot format versions this renderer reads. */
const VERSIONS = [1];

/**
 * Commands left out of a read-only snapshot: they act (run code, download, pop a toast,
 * ask the kernel or set up a session) rather than draw the saved content.
 */
export const READ_ONLY_DROPPED: ReadonlySet<string> = new Set([
  "run_script",
  "download",
  "toast",
  "ping",
  "pin_wait",
  "pin_value",
  "set_session_id",
  "close_session",
]);

export interface Snapshot {
  root: string;
  commands: Command[];
  buffers: Uint8Array<ArrayBuffer>[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The bytes of a base64 string (atob: no Buffer in the browser). */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Check and decode a snapshot; throws saying what was expected and what was found. */
export function decodeSnapshot(data: unknown): Snapshot {
  if (!isRecord(data)) throw new Error(`a pywebio_nb snapshot is a JSON object, got ${JSON.stringify(data)}`);
  const version = data["version"];
  if (typeof version !== "number" || !VERSIONS.includes(version)) {
    throw new Error(
      `pywebio_nb snapshot version ${JSON.stringify(version)} is not one this extension reads ` +
        `(${VERSIONS.join(", ")}); update the pywebio_nb package`,
    );
  }
  const commands = data["commands"];
  if (!Array.isArray(commands) || !commands.every((c) => isRecord(c) && typeof c["command"] === "string")) {
    throw new Error("a pywebio_nb snapshot's commands must be a list of {command, task_id, spec} objects");
  }
  const buffers = data["buffers"] ?? [];
  if (!Array.isArray(buffers) || !buffers.every((b) => typeof b === "string")) {
    throw new Error("a pywebio_nb snapshot's buffers must be a list of base64 strings");
  }
  return {
    root: typeof data["root"] === "string" ? data["root"] : "",
    commands: commands as Command[],
    buffers: buffers.map(base64ToBytes),
  };
}
