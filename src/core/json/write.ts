/**
 * Serialising JSON in a file's own style: indentation, newline convention,
 * final newline, unicode escaping, and the raw text of every number and string whose
 * value did not change, so re-saving an unchanged document gives identical bytes. A write
 * of a changed document edits the file's text in place instead (edit.ts); this writes new
 * files, values new to a file, and a document whose text cannot be edited in place.
 */
import { escapePointerToken } from "../pointer.js";
import type { JsonStyle } from "./style.js";

export const DEFAULT_STYLE: JsonStyle = {
  indent: "  ",
  eol: "\n",
  finalNewline: true,
  asciiOnly: false,
  bom: false,
  compactSpaces: false,
};

const NON_ASCII = /[\u0080-\uffff]/;

function escapeNonAscii(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  return s.replace(/[\u0080-\uffff]/g, (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"));
}

export function serializeJson(value: unknown, style: JsonStyle, rawLexemes?: ReadonlyMap<string, string>): string {
  const raw = rawLexemes ?? new Map<string, string>();
  const { indent, asciiOnly } = style;
  // No raw text to keep and an indentation JSON.stringify can write (it takes at most ten
  // characters; an empty one would mean no line breaks): JSON.stringify writes exactly what
  // the walk below would, several times faster. Line breaks only occur between items
  // there (a string's own are escaped), so they take the file's convention by replacement;
  // non-ASCII characters only occur inside strings, so escaping the text escapes them.
  if (raw.size === 0 && indent !== null && indent.length >= 1 && indent.length <= 10) {
    let text = JSON.stringify(value, null, indent) as string | undefined;
    if (text !== undefined) {
      if (style.eol !== "\n") text = text.replaceAll("\n", style.eol);
      if (asciiOnly) text = escapeNonAscii(text);
      if (style.finalNewline) text += style.eol;
      if (style.bom) text = "\ufeff" + text;
      return text;
    }
  }
  const nl = indent === null ? "" : style.eol;
  const itemSep = indent === null ? (style.compactSpaces ? ", " : ",") : ",";
  const keySep = indent === null && !style.compactSpaces ? ":" : ": ";

  const str = (s: string): string => {
    const out = JSON.stringify(s);
    return asciiOnly ? escapeNonAscii(out) : out;
  };
  // The same few keys recur on every node.
  const keyText = new Map<string, string>();
  const key = (k: string): string => {
    let out = keyText.get(k);
    if (out === undefined) keyText.set(k, (out = str(k)));
    return out;
  };
  // Pointers are tracked only where a raw lexeme lies below: every proper prefix of a raw
  // lexeme's pointer. Elsewhere (most of a large spec) no lookup could find one.
  const rawParents = new Set<string>();
  for (const p of raw.keys()) {
    let i = p.lastIndexOf("/");
    while (i > 0) {
      rawParents.add(p.slice(0, i));
      i = p.lastIndexOf("/", i - 1);
    }
    if (i === 0) rawParents.add("");
  }

  /** `pointer` is undefined where no raw lexeme lies at or below `v`. */
  const write = (v: unknown, pointer: string | undefined, depth: string): string => {
    if (v === null) return "null";
    switch (typeof v) {
      case "string": {
        const r = pointer === undefined ? undefined : raw.get(pointer);
        if (r !== undefined && JSON.parse(r) === v) return r;
        return str(v);
      }
      case "number": {
        const r = pointer === undefined ? undefined : raw.get(pointer);
        if (r !== undefined && Number(r) === v) return r;
        if (!Number.isFinite(v)) return "null";
        return String(v);
      }
      case "boolean":
        return v ? "true" : "false";
      case "object":
        break;
      default:
        return "null";
    }
    const inner = indent === null ? "" : depth + indent;
    const close = indent === null ? "" : nl + depth;
    const track = pointer !== undefined && rawParents.has(pointer);
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      const parts: string[] = [];
      for (let i = 0; i < v.length; i++) parts.push(inner + write(v[i], track ? pointer + "/" + i : undefined, inner));
      return "[" + nl + parts.join(itemSep + nl) + close + "]";
    }
    const keys = Object.keys(v);
    if (keys.length === 0) return "{}";
    const parts: string[] = [];
    const obj = v as Record<string, unknown>;
    for (const k of keys) {
      const child = obj[k];
      if (child === undefined) continue;
      parts.push(inner + key(k) + keySep + write(child, track ? pointer + "/" + escapePointerToken(k) : undefined, inner));
    }
    if (parts.length === 0) return "{}";
    return "{" + nl + parts.join(itemSep + nl) + close + "}";
  };

  let text = write(value, "", "");
  if (style.finalNewline) text += style.eol;
  if (style.bom) text = "\ufeff" + text;
  return text;
}
