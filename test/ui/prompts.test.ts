/**
 * Prompts: when they may appear, and what `update-status` and `create` ask for
 * on a terminal, driven in-process through `run` with a fake Prompter.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli.js";
import { mayPrompt, required, type PromptGate } from "../../src/ui/prompts.js";
import { fakePrompter, refusingPrompter, terminal } from "../fake-prompter.js";
import { makeSpec, specsTree, tempTree } from "../helpers.js";

const ALPHA = "alpha-2026-01-01-001";
const BETA = "beta-2026-01-01-001";

/** Two specs; beta has one task under way, so the task list shows mixed statuses. */
function twoSpecs(): string {
  const beta = makeSpec(BETA, (s) => {
    s.hierarchy["spec-root"].status = "in_progress";
    s.hierarchy["phase-1"].status = "in_progress";
    s.hierarchy["task-1-1"].status = "in_progress";
    s.hierarchy["task-1-1"].metadata.started_at = "2026-01-01T00:00:00Z";
  });
  return specsTree([{ spec: makeSpec(ALPHA) }, { spec: beta }]);
}

const readSpec = (dir: string, id: string): Record<string, any> =>
  JSON.parse(readFileSync(join(dir, "specs", "active", `${id}.json`), "utf8")) as Record<string, any>;

describe("mayPrompt", () => {
  const tty: PromptGate = { stdinIsTTY: true, stdoutIsTTY: true, env: {}, input: undefined };
  it.each([
    ["a terminal, CI unset", tty, true],
    ["CI set to an empty string", { ...tty, env: { CI: "" } }, true],
    ["CI=false", { ...tty, env: { CI: "false" } }, true],
    ["CI=0", { ...tty, env: { CI: "0" } }, true],
    ["CI=true", { ...tty, env: { CI: "true" } }, false],
    ["CI=1", { ...tty, env: { CI: "1" } }, false],
    ["--no-input", { ...tty, input: false }, false],
    ["--input given explicitly", { ...tty, input: true }, true],
    ["stdin not a TTY", { ...tty, stdinIsTTY: false }, false],
    ["stdout not a TTY", { ...tty, stdoutIsTTY: false }, false],
  ] as const)("%s -> %s", (_name, gate, expected) => {
    expect(mayPrompt(gate)).toBe(expected);
  });
});

describe("required", () => {
  const gate: PromptGate = { stdinIsTTY: true, stdoutIsTTY: true, env: {}, input: undefined };
  const never = refusingPrompter();

  it("returns a given value without asking", async () => {
    await expect(required("x", "spec", gate, never, (p) => p.input({ message: "Spec" }))).resolves.toBe("x");
    expect(never.asked).toEqual([]);
  });

  it("asks on a terminal when the value is missing or empty", async () => {
    const p = fakePrompter(() => "answer");
    await expect(required(undefined, "spec", gate, p, (q) => q.input({ message: "Spec" }))).resolves.toBe("answer");
    await expect(required("", "spec", gate, p, (q) => q.input({ message: "Spec" }))).resolves.toBe("answer");
    expect(p.asked.map((q) => q.message)).toEqual(["Spec", "Spec"]);
  });

  it("is a usage error (exit 2) where prompts are not allowed", async () => {
    const noTty = { ...gate, stdinIsTTY: false };
    await expect(required(undefined, "task", noTty, never, (q) => q.input({ message: "Task" }))).rejects.toMatchObject({
      exitCode: 2,
      code: "usage",
      message: "missing required argument 'task'",
    });
    expect(never.asked).toEqual([]);
  });
});

describe("update-status on a terminal", () => {
  it("with no arguments asks for the spec, the task and the status, then applies the change", async () => {
    const dir = twoSpecs();
    const t = terminal(dir);
    const p = fakePrompter((q) => (q.message === "Spec" ? BETA : q.message === "Task" ? "task-1-2" : "in_progress"));

    const code = await run(["update-status"], t.io, p);
    expect(code, t.err()).toBe(0);
    expect(p.asked.map((q) => [q.kind, q.message])).toEqual([
      ["select", "Spec"],
      ["select", "Task"],
      ["select", "New status"],
    ]);
    const [spec, task, status] = p.asked;
    expect(spec!.choices!.map((c) => c.value)).toEqual([ALPHA, BETA]);
    expect(spec!.choices!.map((c) => c.name)).toEqual([`${ALPHA} (active)`, `${BETA} (active)`]);
    // The tasks of the chosen spec, each with its current status.
    expect(task!.choices!.map((c) => c.value)).toEqual(["task-1-1", "task-1-2", "verify-1-1"]);
    expect(task!.choices!.map((c) => c.name)).toEqual([
      "task-1-1 [in_progress] First",
      "task-1-2 [pending] Second",
      "verify-1-1 [pending] Check",
    ]);
    expect(status!.choices!.map((c) => c.value)).toEqual(["pending", "in_progress", "completed", "blocked"]);

    expect(t.out()).toContain(`task-1-2: pending -> in_progress (${BETA})`);
    expect(readSpec(dir, BETA).hierarchy["task-1-2"].status).toBe("in_progress");
    expect(readSpec(dir, ALPHA).hierarchy["task-1-2"].status).toBe("pending");
  });

  it("asks only for what is missing", async () => {
    const dir = twoSpecs();
    const t = terminal(dir);
    const p = fakePrompter((q) => (q.message === "Task" ? "verify-1-1" : "completed"));

    const code = await run(["update-status", ALPHA], t.io, p);
    expect(code, t.err()).toBe(0);
    expect(p.asked.map((q) => q.message)).toEqual(["Task", "New status"]);
    expect(p.asked[0]!.choices!.map((c) => c.name)).toContain("task-1-1 [pending] First");
    expect(readSpec(dir, ALPHA).hierarchy["verify-1-1"].status).toBe("completed");

    const all = refusingPrompter();
    const given = terminal(dir);
    expect(await run(["update-status", ALPHA, "task-1-1", "in_progress"], given.io, all)).toBe(0);
    expect(all.asked).toEqual([]);
    expect(readSpec(dir, ALPHA).hierarchy["task-1-1"].status).toBe("in_progress");
  });

  it("finds the specs through --specs-dir when run elsewhere", async () => {
    const dir = twoSpecs();
    const t = terminal(join(dir, ".."));
    const p = fakePrompter((q) => (q.message === "Spec" ? ALPHA : q.message === "Task" ? "task-1-1" : "blocked"));
    const code = await run(["update-status", "--specs-dir", join(dir, "specs")], t.io, p);
    expect(code, t.err()).toBe(0);
    expect(p.asked[0]!.choices!.map((c) => c.value)).toEqual([ALPHA, BETA]);
    expect(readSpec(dir, ALPHA).hierarchy["task-1-1"].status).toBe("blocked");
  });
});

/** A specs directory as `sdd init` leaves it: every folder present. */
const initialised = (): string => tempTree({ [`specs/active/${ALPHA}.json`]: makeSpec(ALPHA), "specs/pending/.gitkeep": "" });

describe("create on a terminal", () => {
  it("with no name asks for it, then creates the spec", async () => {
    const dir = initialised();
    const t = terminal(dir);
    const p = fakePrompter(() => "Payment flow");

    const code = await run(["create", "--json"], t.io, p);
    expect(code, t.err()).toBe(0);
    expect(p.asked).toHaveLength(1);
    const q = p.asked[0]!;
    expect(q.kind).toBe("input");
    expect(q.message).toBe("What is the spec about?");
    // Empty answers are refused by the prompt itself.
    expect(q.validate!("   ")).toEqual(expect.any(String));
    expect(q.validate!("Payment flow")).toBe(true);

    const doc = JSON.parse(t.out()) as Record<string, any>;
    expect(doc).toMatchObject({ command: "create", ok: true, spec_id: "payment-flow-2026-01-02-001", folder: "pending" });
    const spec = JSON.parse(readFileSync(join(dir, "specs", "pending", "payment-flow-2026-01-02-001.json"), "utf8")) as Record<string, any>;
    expect(spec.title).toBe("Payment flow");
  });

  it("given a name, asks nothing", async () => {
    const dir = initialised();
    const t = terminal(dir);
    const p = refusingPrompter();
    expect(await run(["create", "Search"], t.io, p), t.err()).toBe(0);
    expect(p.asked).toEqual([]);
    expect(t.out()).toContain("created search-2026-01-02-001");
  });
});
