/**
 * Reading a spec file: bytes to text (UTF-8, BOM noted), text to value (exit 4 with
 * file:line:col on a syntax error), plus the source index for positions and minimal writes.
 */
import { readFileSync } from "node:fs";
import { DataError, NotFoundError } from "../errors.js";
import { decodeUtf8, detectStyle, JsonSource, parseJson, type JsonStyle } from "../json/source.js";

export interface LoadedFile {
  file: string;
  /** The text without a BOM. */
  text: string;
  value: unknown;
  /** The file starts with a UTF-8 byte order mark (style.bom, known without detecting the style). */
  bom: boolean;
  style: JsonStyle;
  source: JsonSource;
}

export function readJsonFile(file: string, displayName = file): LoadedFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError("file-not-found", `${displayName}: no such file`, { file: displayName });
    if (code === "EISDIR")
      throw new NotFoundError("file-not-found", `${displayName}: is a directory, not a JSON file`, { file: displayName });
    throw new DataError("file-unreadable", `${displayName}: cannot read (${code ?? String(err)})`, { file: displayName });
  }
  const { text, bom } = decodeUtf8(bytes, displayName);
  const value = parseJson(text, displayName);
  // The style is needed only to write the file back (and its BOM flag by validate): it is
  // detected on first use, as detecting it reads the whole text.
  let style: JsonStyle | undefined;
  return {
    file,
    text,
    value,
    bom,
    get style(): JsonStyle {
      return (style ??= detectStyle(text, bom));
    },
    source: new JsonSource(text, displayName, value),
  };
}
