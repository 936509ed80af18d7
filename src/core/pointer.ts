/**
 * JSON pointers (RFC 6901): the one builder and parser of their tokens. Shared by every
 * layer: findings name their place by pointer, patches address values by pointer, and
 * the JSON text engine maps pointers to source positions.
 */

export function escapePointerToken(token: string): string {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 126 || c === 47) return token.replace(/~/g, "~0").replace(/\//g, "~1");
  }
  return token;
}

export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function pointerOf(tokens: readonly (string | number)[]): string {
  let out = "";
  for (const t of tokens) out += "/" + escapePointerToken(String(t));
  return out;
}
