/** A JSON file's style, read from its text: what a write keeps (indentation, newlines, escaping, spacing). */

export interface JsonStyle {
  /** Indentation unit, or null for compact output on one line. */
  indent: string | null;
  eol: "\n" | "\r\n";
  finalNewline: boolean;
  /** Non-ASCII characters are written as \uXXXX escapes (Python's json.dumps default). */
  asciiOnly: boolean;
  bom: boolean;
  /** In compact output, whether ", " and ": " separate items (Python's default) or "," and ":". */
  compactSpaces: boolean;
}

export function detectStyle(text: string, bom: boolean): JsonStyle {
  const eol: "\n" | "\r\n" = text.includes("\r\n") ? "\r\n" : "\n";
  const finalNewline = text.endsWith("\n");
  let indent: string | null = null;
  const m = /^[{[][ \t]*\r?\n([ \t]+)\S/.exec(text);
  if (m?.[1] !== undefined) indent = m[1];
  else if (/^[{[]\r?\n/.test(text)) indent = "";
  // A file with no non-ASCII characters gives no evidence; escaping is the safer default
  // because it is what the Python tool writes.
  const asciiOnly = !/[\u0080-\uffff]/.test(text);
  const compactSpaces = indent === null && /^[{[]\s*"(?:[^"\\]|\\.)*"\s*: /.test(text);
  return { indent, eol, finalNewline, asciiOnly, bom, compactSpaces };
}

/** Whether `text` is JSON.stringify's output for `value` in `style` (indentation, final newline, "\n" line breaks). */
export function isStringifyOutput(text: string, value: unknown, style: JsonStyle): boolean {
  const { indent } = style;
  if (indent === null || indent.length < 1 || indent.length > 10 || style.eol !== "\n") return false;
  const end = style.finalNewline ? text.length - 1 : text.length;
  const out = JSON.stringify(value, null, indent) as string | undefined;
  return out !== undefined && out.length === end && text.startsWith(out) && (end === text.length || text.charCodeAt(end) === 10);
}
