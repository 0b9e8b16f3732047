/**
 * Prism with the languages `put_code` highlights, loaded only when the first code block
 * with a language appears (on the server page it is a chunk of its own; the anywidget
 * bundle inlines it). `manual` keeps Prism from highlighting the host page by itself.
 */
import "./prism-manual";
// The main module is the core with markup, css, clike and javascript.
import Prism from "prismjs";
import "prismjs/components/prism-typescript";
import "prismjs/components/prism-python";
import "prismjs/components/prism-json";
import "prismjs/components/prism-bash";
import "prismjs/components/prism-sql";
import "prismjs/components/prism-yaml";
import "prismjs/components/prism-markdown";
import "prismjs/components/prism-c";
import "prismjs/components/prism-cpp";
import "prismjs/components/prism-java";
import "prismjs/components/prism-go";
import "prismjs/components/prism-rust";
import "prismjs/components/prism-diff";

/**
 * The highlighted HTML of `code` (Prism escapes the text of every token), or null when
 * Prism does not know `language`.
 */
export function highlight(code: string, language: string): string | null {
  const grammar = Prism.languages[language];
  return grammar ? Prism.highlight(code, grammar, language) : null;
}
