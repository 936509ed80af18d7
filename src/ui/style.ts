/** Colour only on a TTY, never with NO_COLOR or --no-color (CONTRACT 5). */
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

export function makeStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, disabled: boolean): Style {
  if (disabled || !stream.isTTY || (env.NO_COLOR !== undefined && env.NO_COLOR !== "") || env.TERM === "dumb") return PLAIN;
  return COLOR;
}
