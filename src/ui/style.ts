/** Colour on a terminal (or with FORCE_COLOR), never with NO_COLOR or --no-color. */
export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;
const id = (s: string): string => s;

export const PLAIN: Style = { red: id, yellow: id, green: id, dim: id, bold: id };
const COLOR: Style = { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22), bold: wrap(1, 22) };

/**
 * --no-color and NO_COLOR always win. FORCE_COLOR decides next, as in Node and most tools:
 * 0 or false turns colour off, any other value on, even into a pipe (CI logs render it).
 * Otherwise colour only on a terminal that is not dumb.
 */
export function makeStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, disabled: boolean): Style {
  if (disabled || (env.NO_COLOR !== undefined && env.NO_COLOR !== "")) return PLAIN;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force === "0" || force === "false" ? PLAIN : COLOR;
  if (!stream.isTTY || env.TERM === "dumb") return PLAIN;
  return COLOR;
}
