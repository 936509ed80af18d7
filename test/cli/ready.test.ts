/** `sdd ready` and `sdd claim` over every active spec when one of them does not parse. */
import { describe, expect, it } from "vitest";
import { makeSpec, oneJson, runCli, specsTree } from "../helpers.js";

describe("one unreadable active spec", () => {
  const tree = (): string =>
    specsTree([
      { spec: makeSpec("good-2026-01-01-001") },
      { spec: makeSpec("broken-2026-01-01-001"), raw: '{\n  "spec_id": "broken-2026-01-01-001",\n  oops\n}\n' },
    ]);

  it("ready lists the other specs' work and names the broken file; named, it is exit 4", async () => {
    const dir = tree();
    const r = await runCli(["ready", "--json"], { cwd: dir });
    expect(r.code, r.stdout).toBe(0);
    const doc = oneJson(r.stdout);
    expect(doc.tasks.map((t: { spec_id: string }) => t.spec_id)).toContain("good-2026-01-01-001");
    expect(doc.unreadable).toHaveLength(1);
    expect(doc.unreadable[0].spec_id).toBe("broken-2026-01-01-001");
    expect(doc.unreadable[0].error).toMatch(/broken-2026-01-01-001\.json:3:3/);
    const named = await runCli(["ready", "broken-2026-01-01-001", "--json"], { cwd: dir });
    expect(named.code).toBe(4);
  });

  it("claim with no spec named takes work from the readable specs", async () => {
    const dir = tree();
    const r = await runCli(["claim", "--agent", "a1", "--json"], { cwd: dir });
    expect(r.code, r.stdout).toBe(0);
    expect(oneJson(r.stdout).spec_id).toBe("good-2026-01-01-001");
  });
});
