/**
 * The real specs of the airis sample corpus: every one loads, and exactly the known real
 * defects are reported (docs/rules.md, "Roll-up counting rule").
 */
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORPUS_SPECS, oneJson, runCli } from "../helpers.js";

type Finding = { code: string; severity: string; file: string; pointer: string; line: number; column: number };

const CHAT = "completed/chat-runtime-state-recovery-2026-08-06-001.json";
const YOOKASSA = "completed/billing-topup-yookassa-error-hardening-2026-02-11-001.json";
const RECOVERY = "completed/billing-topup-recovery-clarity-2026-08-07-001.json";

describe.skipIf(!existsSync(CORPUS_SPECS))("sdd validate on the sample corpus", () => {
  const corpusFiles = (): string[] =>
    ["pending", "active", "completed", "archived"].flatMap((folder) => {
      const dir = join(CORPUS_SPECS, folder);
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((n) => n.endsWith(".json") && !n.startsWith("."))
        .map((n) => `${folder}/${n}`);
    });

  it("loads every spec and reports exactly the known defects (exit 1)", async () => {
    // The real path: a child's working directory is reported without symlinks.
    const specs = realpathSync(CORPUS_SPECS);
    const r = await runCli(["validate", "--specs-dir", specs, "--json"], { cwd: specs });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = oneJson(r.stdout);

    const expectedFiles = corpusFiles();
    expect(expectedFiles.length).toBeGreaterThan(0);
    expect(report.files.map((f: { file: string }) => f.file).sort()).toEqual([...expectedFiles].sort());
    expect(report.files.filter((f: { status: string }) => f.status === "unreadable")).toEqual([]);
    expect(report.summary).toMatchObject({ files: expectedFiles.length, errors: 0, warnings: 2, unreadable: 0 });

    const got = (report.findings as Finding[]).map((f) => [f.file, f.code, f.severity, f.pointer]);
    expect(got).toEqual([
      // A verify node (id task-3-1) without verification_type: the Python validator's check, a warning here.
      [RECOVERY, "verification-type-missing", "warning", "/hierarchy/task-3-1/metadata"],
      // Unblocking kept the blocker fields (the Python tool never removed them).
      [YOOKASSA, "stale-metadata", "warning", "/hierarchy/verify-4-1/metadata/blocked_at"],
    ]);
    for (const f of report.findings as Finding[]) {
      expect(f.line).toBeGreaterThan(1);
      expect(f.column).toBeGreaterThan(1);
    }

    const statuses = Object.fromEntries(report.files.map((f: { file: string; status: string }) => [f.file, f.status]));
    for (const file of expectedFiles) {
      expect(statuses[file], file).toBe(file === YOOKASSA || file === RECOVERY ? "warnings" : "valid");
    }
  });

  it("accepts the childless phases stored 1/1 by the Python recalculation, with the root holding their sum", async () => {
    const r = await runCli(["validate", "--specs-dir", CORPUS_SPECS, "chat-runtime-state-recovery-2026-08-06-001", "--json"], {
      cwd: CORPUS_SPECS,
    });
    expect(r.code).toBe(0);
    const report = oneJson(r.stdout);
    expect(report.findings).toEqual([]);
    expect(report.files[0].file).toBe(CHAT);
  });
});
