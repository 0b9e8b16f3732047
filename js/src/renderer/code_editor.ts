/**
 * The code editor of `textarea(code=...)`: CodeMirror 6 with the languages PyWebIO users
 * write (python, markdown, javascript, sql, html, css, json as javascript).
 *
 * This module is only ever loaded through `import()` (see `loadCodeEditor` in
 * inputs.ts): on the server page it is a chunk of its own fetched when the first code
 * textarea appears; the anywidget bundle inlines it (measured in build.mjs's report).
 *
 * The editor mirrors its text into the item's hidden <textarea>, which stays the item's
 * control: the form reads its value there, `required`, `readonly` and `update_input`
 * keep working as for a plain textarea. Esc leaves full screen, F11 toggles it
 * (PyWebIO's keys).
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { css } from "@codemirror/lang-css";
import { html } from "@codemirror/lang-html";
import { javascript } from "@codemirror/lang-javascript";
import { markdown } from "@codemirror/lang-markdown";
import { python } from "@codemirror/lang-python";
import { sql } from "@codemirror/lang-sql";
import { bracketMatching, defaultHighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  placeholder as placeholderText,
} from "@codemirror/view";

/** Languages by the names PyWebIO's `code={"mode": ...}` uses (CodeMirror 5 modes and MIME types). */
const LANGUAGES: Record<string, () => Extension> = {
  python: python,
  py: python,
  "text/x-python": python,
  markdown: markdown,
  md: markdown,
  "text/x-markdown": markdown,
  javascript: javascript,
  js: javascript,
  json: javascript,
  "text/javascript": javascript,
  "application/json": javascript,
  typescript: () => javascript({ typescript: true }),
  sql: sql,
  "text/x-sql": sql,
  html: html,
  htmlmixed: html,
  "text/html": html,
  css: css,
  "text/css": css,
};

/** The language names the editor knows (for tests and error messages). */
export const CODE_LANGUAGES: readonly string[] = Object.keys(LANGUAGES);

export interface CodeEditorOptions {
  /** `code` of the item: true, or CodeMirror-5-style options (`mode`, `lineNumbers`, `readOnly`, `indentUnit`, `tabSize`, `lineWrapping`). */
  code: unknown;
  rows: number;
  placeholder: string;
}

export interface CodeEditor {
  readonly view: EditorView;
  /** Replace the text (from `update_input` value). */
  setValue(value: string): void;
  setReadOnly(readonly: boolean): void;
  /** Whether the editor fills the window (Esc leaves, F11 toggles). */
  readonly fullscreen: boolean;
  setFullscreen(on: boolean): void;
  focus(): void;
}

const FULLSCREEN_CLASS = "pywebio-code--fullscreen";
const FULLSCREEN_STYLE = { position: "fixed", inset: "0", zIndex: "2000", margin: "0", borderRadius: "0" };
const NORMAL_STYLE = { position: "", inset: "", zIndex: "", margin: "", borderRadius: "" };

/**
 * Put a CodeMirror editor in place of `textarea` (kept, hidden, as the value holder).
 * `onChange` runs after each edit (the textarea's value is already updated and an
 * `input` event dispatched on it); `onBlur` when the editor loses focus.
 */
export function attachCodeEditor(
  textarea: HTMLTextAreaElement,
  options: CodeEditorOptions,
  onBlur: () => void,
): CodeEditor {
  const config =
    typeof options.code === "object" && options.code !== null ? (options.code as Record<string, unknown>) : {};
  const mode = typeof config["mode"] === "string" ? config["mode"].toLowerCase() : "python";
  const language = LANGUAGES[mode];
  if (!language) console.warn(`pywebio_nb: code textarea mode ${JSON.stringify(mode)} unknown, plain text`);
  const readOnly = new Compartment();
  const tabSize = typeof config["tabSize"] === "number" ? config["tabSize"] : 4;
  const unit = typeof config["indentUnit"] === "number" ? config["indentUnit"] : tabSize;
  const extensions: Extension[] = [
    history(),
    drawSelection(),
    highlightActiveLine(),
    bracketMatching(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    EditorState.tabSize.of(tabSize),
    indentUnit.of(" ".repeat(unit)),
    keymap.of([
      {
        key: "F11",
        run: () => {
          editor.setFullscreen(!editor.fullscreen);
          return true;
        },
      },
      {
        // Esc leaves full screen; otherwise it does what it does (e.g. close a popup).
        key: "Escape",
        run: () => {
          if (!editor.fullscreen) return false;
          editor.setFullscreen(false);
          return true;
        },
      },
      ...defaultKeymap,
      ...historyKeymap,
      indentWithTab,
    ]),
    readOnly.of(EditorState.readOnly.of(config["readOnly"] === true || textarea.readOnly)),
    EditorView.updateListener.of((update) => {
      if (!update.docChanged) return;
      textarea.value = update.state.doc.toString();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }),
    EditorView.domEventHandlers({ blur: () => onBlur() }),
    // `rows` lines tall, like the textarea it replaces; it scrolls past that.
    EditorView.theme({
      "&": { minHeight: `${options.rows * 1.5 + 0.5}em`, maxHeight: "70vh" },
      ".cm-scroller": { overflow: "auto", fontFamily: "var(--bs-font-monospace, monospace)" },
    }),
  ];
  if (config["lineNumbers"] !== false) extensions.push(lineNumbers());
  if (config["lineWrapping"] === true) extensions.push(EditorView.lineWrapping);
  if (options.placeholder) extensions.push(placeholderText(options.placeholder));
  if (language) extensions.push(language());

  const wrapper = document.createElement("div");
  wrapper.className = "pywebio-code form-control";
  textarea.after(wrapper);
  textarea.hidden = true;
  const root = textarea.getRootNode();
  const view = new EditorView({
    parent: wrapper,
    doc: textarea.value,
    extensions,
    // Styles go into the shadow root that holds the form, not into the host document.
    ...(root instanceof ShadowRoot || root instanceof Document ? { root } : {}),
  });

  const editor: CodeEditor = {
    view,
    fullscreen: false,
    setValue(value: string): void {
      if (value === view.state.doc.toString()) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    setReadOnly(on: boolean): void {
      view.dispatch({ effects: readOnly.reconfigure(EditorState.readOnly.of(on)) });
    },
    setFullscreen(on: boolean): void {
      (editor as { fullscreen: boolean }).fullscreen = on;
      wrapper.classList.toggle(FULLSCREEN_CLASS, on);
      // Inline: the editor covers the window above everything of the page or notebook.
      Object.assign(wrapper.style, on ? FULLSCREEN_STYLE : NORMAL_STYLE);
      view.dom.style.height = on ? "100%" : "";
      view.requestMeasure();
    },
    focus(): void {
      view.focus();
    },
  };
  return editor;
}
