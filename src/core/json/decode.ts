/** Bytes to text to value: UTF-8 refused with its byte and position, JSON syntax errors with line:column. */
import { DataError } from "../errors.js";
import { scan, WANT_NOTHING } from "./scanner.js";

/** Decode bytes as UTF-8, refusing binary or mis-encoded input with a precise message. */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string; bom: boolean } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    // (lastIndexOf with a negative start would count from the end.)
    const lineStart = at === 0 ? 0 : bytes.lastIndexOf(10, at - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 10) line++;
    // Columns count characters, as for syntax errors; the bytes before `at` decode.
    const column = new TextDecoder("utf-8").decode(bytes.subarray(lineStart, at)).length + 1;
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    throw new DataError(
      "json-encoding",
      `${file}:${line}:${column}: not UTF-8 text (invalid byte 0x${byte} at offset ${at}); is this a binary file?`,
      {
        file,
        line,
        column,
        fix: "Restore the file from git or from its backup (sdd doctor --fix), or re-save it as UTF-8.",
      },
    );
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  return { text: bom ? text.slice(1) : text, bom };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the shortest prefix that fails to decode. Each probe needs a fresh
  // decoder: a streaming decoder keeps the open bytes of one call for the next.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  // `lo` is where decoding fails; a multi-byte sequence left open before it is the culprit.
  const strict = new TextDecoder("utf-8", { fatal: true });
  for (let k = lo; k > Math.max(0, lo - 4); k--) {
    try {
      strict.decode(bytes.subarray(0, k));
      return k;
    } catch {
      // The sequence starts further back.
    }
  }
  return lo;
}

/** Parse JSON text; a syntax error becomes a DataError (exit 4) with file:line:col. */
export function parseJson(text: string, file: string): unknown {
  // (text.trim() === "", without making the trimmed copy: \S is exactly what trim keeps.)
  if (!/\S/.test(text)) {
    throw new DataError("json-empty", `${file}: the file is empty; a spec must be a JSON object`, {
      file,
      line: 1,
      column: 1,
      fix: "Restore the file from git or from its backup (sdd doctor --fix).",
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    // Re-scan to name the exact place; JSON.parse's own message differs between engines.
    scan(text, file, WANT_NOTHING);
    throw new DataError("json-syntax", `${file}: invalid JSON`, { file });
  }
}
