/**
 * Read-only commands while another process moves a spec back and forth between folders:
 * a file they listed may be gone when they read it. They look once where it went, so they
 * neither crash nor report a missing file.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { BIN, makeSpec, runCli, specsTree } from "../helpers.js";

const MOVER = "mover-2026-01-01-001";
const ROUNDS = Number(process.env.SDD_READER_ROUNDS ?? 6);

/** Moves the spec between active/ and pending/ until killed. */
const DRIVER = `
import { execFileSync } from "node:child_process";
const [bin, specsDir, id] = process.argv.slice(2);
for (let i = 0; ; i++) {
  try {
    execFileSync(process.execPath, [bin, "move-spec", id, i % 2 === 0 ? "pending" : "active", "--specs-dir", specsDir], { stdio: "ignore" });
  } catch {}
}
`;

/** SIGKILL a process group and wait until none of its processes is left. */
async function killGroup(pgid: number): Promise<void> {
  process.kill(-pgid, "SIGKILL");
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

it(`doctor, validate, check-journaling and ci never fail on a spec moved meanwhile (${ROUNDS} rounds)`, async () => {
  const dir = specsTree([
    { spec: makeSpec(MOVER) },
    ...Array.from({ length: 30 }, (_, i) => ({ spec: makeSpec(`still${i}-2026-01-01-001`) })),
  ]);
  const specsDir = join(dir, "specs");
  const script = join(dir, "mover.mjs");
  writeFileSync(script, DRIVER);
  // Its own process group, so the move-spec it is running dies with it: a move still
  // writing into the tree while the test removes it would make the clean-up fail.
  const mover = spawn(process.execPath, [script, BIN, specsDir, MOVER], { stdio: "ignore", detached: true });
  const failures: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const runs = await Promise.all([
        runCli(["doctor", "--specs-dir", specsDir], { cwd: dir }),
        runCli(["validate", "--specs-dir", specsDir], { cwd: dir }),
        runCli(["check-journaling", "--specs-dir", specsDir], { cwd: dir }),
        runCli(["ci", "--specs-dir", specsDir], { cwd: dir }),
      ]);
      for (const [i, r] of runs.entries()) {
        if (r.code !== 0)
          failures.push(`${["doctor", "validate", "check-journaling", "ci"][i]} round ${round}: exit ${r.code}: ${r.stdout}${r.stderr}`);
      }
    }
  } finally {
    await killGroup(mover.pid!);
  }
  expect(failures).toEqual([]);
}, 240_000);
