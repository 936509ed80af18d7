/**
 * The Python tool's recorded behaviour, replayed against sdd (see oracle-replay.ts): every
 * case agrees, or each of its differences is a documented, deliberate one (differences.ts,
 * docs/migration.md). Prints the agreement per command.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers.js";
import { DIFFERENCES, explain } from "./differences.js";
import { ORACLE, replayAll, type CaseResult } from "./oracle-replay.js";

const available = existsSync(join(ORACLE, "cases.jsonl"));

describe.skipIf(!available)("the Python tool's recorded cases, replayed", () => {
  let results: CaseResult[] = [];
  beforeAll(async () => {
    results = await replayAll(undefined, 2);
  }, 600_000);

  it("every case agrees, or differs only where a documented difference says so", () => {
    const rows = new Map<string, { total: number; agree: number; listed: number; ids: Set<string> }>();
    const unexplained: string[] = [];
    for (const r of results) {
      const row = rows.get(r.command) ?? { total: 0, agree: 0, listed: 0, ids: new Set<string>() };
      rows.set(r.command, row);
      row.total++;
      if (r.mismatches.length === 0) {
        row.agree++;
        continue;
      }
      let ok = true;
      for (const m of r.mismatches) {
        const d = explain(m, r);
        if (d === undefined) {
          ok = false;
          unexplained.push(
            `${r.case.case} (${r.case.mode}): ${m.kind} ${m.path} old=${JSON.stringify(m.old)} new=${JSON.stringify(m.new)}`,
          );
        } else row.ids.add(d.id);
      }
      if (ok) row.listed++;
    }
    const table = [...rows.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([cmd, r]) =>
          `${cmd.padEnd(22)} agree ${String(r.agree).padStart(3)}/${r.total}  listed ${String(r.listed).padStart(3)}  [${[...r.ids].sort().join(", ")}]`,
      );
    console.log(`oracle replay: ${results.length} cases\n${table.join("\n")}`);
    expect(results.length).toBeGreaterThan(0);
    expect(unexplained.slice(0, 30)).toEqual([]);
  });

  it("every documented difference is still needed", () => {
    const used = new Set<string>();
    for (const r of results)
      for (const m of r.mismatches) {
        const d = explain(m, r);
        if (d !== undefined) used.add(d.id);
      }
    expect(DIFFERENCES.map((d) => d.id).filter((id) => !used.has(id))).toEqual([]);
  });

  it("docs/migration.md lists every difference", () => {
    const doc = readFileSync(join(REPO_ROOT, "docs", "migration.md"), "utf8");
    expect(DIFFERENCES.map((d) => d.id).filter((id) => !doc.includes(`\`${id}\``))).toEqual([]);
  });
});
