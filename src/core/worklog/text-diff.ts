/** A small line diff for `--check` output: the changed hunks, unified-diff style. */
export function lineDiff(before: string, after: string, name: string, context = 2): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // Longest common subsequence table; logs are small enough for O(n*m).
  const n = a.length;
  const m = b.length;
  if (n * m > 25_000_000) return [`--- ${name} (on disk)`, `+++ ${name} (rendered)`, "(too large to diff; the files differ)"];
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--)
      row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
  }
  const ops: { t: " " | "-" | "+"; s: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ t: " ", s: a[i++] as string });
      j++;
    } else if (j < m && (i >= n || ((lcs[i] as Uint32Array)[j + 1] as number) >= ((lcs[i + 1] as Uint32Array)[j] as number)))
      ops.push({ t: "+", s: b[j++] as string });
    else ops.push({ t: "-", s: a[i++] as string });
  }
  const out = [`--- ${name} (on disk)`, `+++ ${name} (rendered)`];
  let last = -1;
  ops.forEach((op, k) => {
    if (op.t === " ") return;
    const from = Math.max(k - context, last + 1);
    if (from > last + 1 && last >= 0) out.push("...");
    for (let x = from; x < k; x++) out.push(` ${ops[x]?.s ?? ""}`);
    out.push(`${op.t}${op.s}`);
    last = k;
    for (let x = k + 1; x <= Math.min(k + context, ops.length - 1) && ops[x]?.t === " "; x++) {
      out.push(` ${ops[x]?.s ?? ""}`);
      last = x;
    }
  });
  return out;
}
