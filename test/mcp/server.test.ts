/**
 * `sdd mcp` as an agent's client sees it: a real server process spoken to over stdio.
 * Every tool is called on a temp repository and the files are checked afterwards; bad
 * arguments are tool errors carrying the CLI's code and exit code; the server keeps going.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, makeSpec, oneJson, runCli, specsTree } from "../helpers.js";
import { rssKb, serve } from "./helpers.js";

const ID = "demo-2026-01-01-001";
const NOW = { SDD_NOW: "2026-03-04T05:06:07.000Z" };

const TOOLS = [
  "list_specs",
  "progress",
  "task_info",
  "next_task",
  "ready",
  "claim",
  "renew",
  "release",
  "status",
  "update_status",
  "complete_task",
  "add_journal",
  "mark_blocked",
  "unblock_task",
  "validate",
  "check_journaling",
  "log_add",
  "log_done",
];

function repo(): string {
  return specsTree([{ spec: makeSpec(ID) }]);
}

const specFile = (dir: string): string => join(dir, "specs", "active", `${ID}.json`);
const readSpec = (dir: string): Record<string, any> => JSON.parse(readFileSync(specFile(dir), "utf8")) as Record<string, any>;

describe("sdd mcp: the handshake", () => {
  it("initializes as sdd with tools and resources, and gives agents the workflow", async () => {
    const s = await serve(repo());
    expect(s.client.getServerVersion()).toMatchObject({ name: "sdd" });
    expect(s.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {} });
    expect(s.client.getInstructions()).toMatch(/complete_task/);
  });

  it("lists every tool, each with an object input schema derived from its command", async () => {
    const s = await serve(repo());
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS);
    for (const t of tools) {
      expect(t.inputSchema.type, t.name).toBe("object");
      expect(t.description, t.name).toMatch(/\(sdd [a-z -]+\)$/);
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    const update = byName.get("update_status")!.inputSchema as Record<string, any>;
    expect(update.required).toEqual(["spec", "task", "status"]);
    expect(update.properties.status.enum).toEqual(["pending", "in_progress", "completed", "blocked"]);
    expect(update.properties.from.enum).toEqual(["pending", "in_progress", "completed", "blocked"]);
    expect(update.properties.status.description).not.toMatch(/terminal/);
    // Options every command shares are the server's business, not a call's.
    expect(Object.keys(update.properties)).not.toContain("json");
    expect(Object.keys(update.properties)).not.toContain("specs_dir");
    const blocked = byName.get("mark_blocked")!.inputSchema as Record<string, any>;
    expect(blocked.required).toEqual(["spec", "task", "reason"]);
    expect(blocked.properties.type).toMatchObject({ enum: ["dependency", "technical", "resource", "decision"], default: "dependency" });
    const add = byName.get("log_add")!.inputSchema as Record<string, any>;
    expect(add.properties.tag).toMatchObject({ type: "array", items: { type: "string" } });
    expect(byName.get("progress")!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.get("update_status")!.annotations).toMatchObject({ readOnlyHint: false });
  });
});

describe("sdd mcp: every tool on a temp repository", () => {
  it("reads: list_specs, progress, task_info, next_task give the CLI's --json document", async () => {
    const dir = repo();
    const s = await serve(dir);
    const list = await s.call("list_specs");
    expect(list.isError).toBe(false);
    expect(list.doc).toMatchObject({ command: "list-specs", ok: true, exit_code: 0 });
    expect(list.doc.specs.map((x: any) => x.spec_id)).toEqual([ID]);

    for (const [tool, argv, args] of [
      ["progress", ["progress", ID], { spec: ID }],
      ["task_info", ["task-info", ID, "task-1-1"], { spec: ID, task: "task-1-1" }],
      ["next_task", ["next-task", ID], { spec: ID }],
    ] as const) {
      const viaTool = await s.call(tool, args);
      const viaCli = await runCli([...argv, "--json"], { cwd: dir });
      expect(viaTool.isError, tool).toBe(false);
      expect(viaTool.doc, tool).toEqual(oneJson(viaCli.stdout));
      // The text content is the same document, for clients that ignore structured content.
      expect(JSON.parse(viaTool.text), tool).toEqual(viaTool.doc);
    }
  });

  it("writes: update_status (with from), add_journal, mark_blocked, unblock_task, complete_task change the spec on disk", async () => {
    const dir = repo();
    const s = await serve(dir, [], NOW);
    const claimed = await s.call("update_status", { spec: ID, task: "task-1-1", status: "in_progress", from: "pending" });
    expect(claimed.isError, claimed.text).toBe(false);
    expect(claimed.doc).toMatchObject({
      command: "update-status",
      ok: true,
      task_id: "task-1-1",
      old_status: "pending",
      new_status: "in_progress",
    });
    expect(readSpec(dir).hierarchy["task-1-1"].status).toBe("in_progress");

    // Compare-and-swap: a second claim of the same task is a conflict, and changes nothing.
    const before = readFileSync(specFile(dir), "utf8");
    const again = await s.call("update_status", { spec: ID, task: "task-1-1", status: "in_progress", from: "pending" });
    expect(again.isError).toBe(true);
    expect(again.doc).toMatchObject({ ok: false, exit_code: 3, error: { code: "precondition-failed" } });
    expect(readFileSync(specFile(dir), "utf8")).toBe(before);

    const journal = await s.call("add_journal", {
      spec: ID,
      task_id: "task-1-1",
      title: "Chose X",
      content: "because Y",
      entry_type: "decision",
    });
    expect(journal.isError, journal.text).toBe(false);
    expect(readSpec(dir).journal.at(-1)).toMatchObject({
      task_id: "task-1-1",
      title: "Chose X",
      content: "because Y",
      entry_type: "decision",
    });

    const blocked = await s.call("mark_blocked", { spec: ID, task: "task-1-2", reason: "waiting for review", type: "resource" });
    expect(blocked.isError, blocked.text).toBe(false);
    expect(readSpec(dir).hierarchy["task-1-2"]).toMatchObject({
      status: "blocked",
      metadata: { blocker_type: "resource", blocker_description: "waiting for review" },
    });
    const unblocked = await s.call("unblock_task", { spec: ID, task: "task-1-2", resolution: "reviewed" });
    expect(unblocked.isError, unblocked.text).toBe(false);
    expect(readSpec(dir).hierarchy["task-1-2"].status).toBe("pending");

    // A dry run shows the patch and writes nothing.
    const dry = readFileSync(specFile(dir), "utf8");
    const plan = await s.call("complete_task", { spec: ID, task: "task-1-1", dry_run: true });
    expect(plan.doc).toMatchObject({ ok: true, dry_run: true, changed: true });
    expect(plan.doc.patch.length).toBeGreaterThan(0);
    expect(readFileSync(specFile(dir), "utf8")).toBe(dry);

    const done = await s.call("complete_task", { spec: ID, task: "task-1-1", note: "all green", author: "agent-7" });
    expect(done.isError, done.text).toBe(false);
    const spec = readSpec(dir);
    expect(spec.hierarchy["task-1-1"]).toMatchObject({ status: "completed", metadata: { completed_at: "2026-03-04T05:06:07.000Z" } });
    expect(spec.hierarchy["phase-1"].completed_tasks).toBe(1);
    expect(spec.journal.at(-1)).toMatchObject({ task_id: "task-1-1", author: "agent-7" });
    // Without an author, the one the server was started for (sdd mcp --agent).
    const other = await serve(dir, ["--agent", "agent-9"], { SDD_AUTHOR: "" });
    await other.call("add_journal", { spec: ID, title: "t", content: "c" });
    expect(readSpec(dir).journal.at(-1)).toMatchObject({ title: "t", author: "agent-9" });
    // Every write went through the transaction: it is in the spec's history.
    const hist = oneJson((await runCli(["history", ID, "--json"], { cwd: dir })).stdout);
    expect(hist.ok).toBe(true);
    expect(JSON.stringify(hist)).toContain("complete-task");
  });

  it("claims: ready, claim, renew, status, release, and complete_task ending the claim", async () => {
    const dir = repo();
    const a = await serve(dir, ["--agent", "agent-a"]);
    const b = await serve(dir, ["--agent", "agent-b"]);
    const ready = await a.call("ready");
    expect(ready.doc).toMatchObject({ command: "ready", ok: true });
    expect(ready.doc.tasks.map((t: any) => t.task_id)).toEqual(["task-1-1", "task-1-2", "verify-1-1"]);

    const first = await a.call("claim");
    expect(first.isError, first.text).toBe(false);
    expect(first.doc).toMatchObject({ outcome: "claimed", task_id: "task-1-1", agent: "agent-a" });
    expect(readSpec(dir).hierarchy["task-1-1"]).toMatchObject({ status: "in_progress", metadata: { claimed_by: "agent-a" } });

    // Another agent asking for the same task: held, a tool error with exit code 3.
    const taken = await b.call("claim", { spec: ID, task: "task-1-1" });
    expect(taken.isError).toBe(true);
    expect(taken.doc).toMatchObject({ ok: false, exit_code: 3, outcome: "held", held_by: "agent-a" });
    expect(taken.text).toMatch(/^claim failed \(exit 3\): held: /);
    // Asking for any task: the next one.
    expect((await b.call("claim")).doc).toMatchObject({ outcome: "claimed", task_id: "task-1-2", agent: "agent-b" });

    const renewed = await a.call("renew", { spec: ID, task: "task-1-1", lease: "2h" });
    expect(renewed.doc).toMatchObject({ outcome: "renewed" });
    const board = await a.call("status");
    expect(board.doc.specs[0].in_progress.map((t: any) => t.task_id ?? t.id).sort()).toEqual(["task-1-1", "task-1-2"]);

    const released = await b.call("release", { spec: ID, task: "task-1-2" });
    expect(released.doc).toMatchObject({ outcome: "released" });
    expect(readSpec(dir).hierarchy["task-1-2"].status).toBe("pending");

    // The holder completes: the claim ends with it; another agent would need force.
    const refused = await b.call("complete_task", { spec: ID, task: "task-1-1" });
    expect(refused).toMatchObject({ isError: true, doc: { exit_code: 3, error: { code: "claim-held" } } });
    const done = await a.call("complete_task", { spec: ID, task: "task-1-1" });
    expect(done.isError, done.text).toBe(false);
    const node = readSpec(dir).hierarchy["task-1-1"];
    expect(node).toMatchObject({ status: "completed", metadata: { completed_by: "agent-a" } });
    expect(node.metadata.claimed_by).toBeUndefined();
  });

  it("checks: validate and check_journaling report findings as results, the way the CLI does", async () => {
    const dir = specsTree([
      { spec: makeSpec(ID) },
      {
        spec: makeSpec("done-2026-01-01-002", (sp) => {
          sp.hierarchy["task-1-1"].status = "completed";
          sp.hierarchy["task-1-1"].metadata = { completed_at: "2026-01-02T00:00:00Z" };
          sp.hierarchy["phase-1"].completed_tasks = 1;
          sp.hierarchy["phase-1"].status = "in_progress";
          sp.hierarchy["spec-root"].completed_tasks = 1;
          sp.hierarchy["spec-root"].status = "in_progress";
        }),
      },
    ]);
    const s = await serve(dir);
    const valid = await s.call("validate", { targets: [ID] });
    expect(valid.isError, valid.text).toBe(false);
    expect(valid.doc).toMatchObject({ command: "validate", ok: true, exit_code: 0 });
    expect(valid.doc).toEqual(oneJson((await runCli(["validate", ID, "--json"], { cwd: dir })).stdout));

    const gate = await s.call("check_journaling");
    expect(gate.isError).toBe(false);
    expect(gate.doc).toMatchObject({ command: "check-journaling", ok: false, exit_code: 1 });
    expect(gate.doc.unjournaled.map((u: any) => u.node_id)).toContain("task-1-1");
    const one = await s.call("check_journaling", { specs: [ID] });
    expect(one.doc).toMatchObject({ ok: true, exit_code: 0 });
  });

  it("the log: log_add writes a work item, log_done checks it off", async () => {
    const dir = repo();
    const s = await serve(dir, [], NOW);
    const added = await s.call("log_add", {
      title: "Fix login",
      tag: ["bug", "auth"],
      spec: "docs/items/login.md",
      owner: "agent-3",
      summary: "the session cookie expired early",
    });
    expect(added.isError, added.text).toBe(false);
    expect(added.doc).toMatchObject({ command: "log add", ok: true });
    const files = readdirSync(join(dir, "work-items")).filter((f) => f.endsWith(".json"));
    expect(files).toEqual([`${String(added.doc.id)}.json`]);
    const item = JSON.parse(readFileSync(join(dir, "work-items", files[0]!), "utf8"));
    expect(item).toMatchObject({ title: "Fix login", tags: ["BUG", "AUTH"], state: "open" });

    const done = await s.call("log_done", { item: added.doc.id, date: "2026-03-05" });
    expect(done.isError, done.text).toBe(false);
    const after = JSON.parse(readFileSync(join(dir, "work-items", files[0]!), "utf8"));
    expect(after.state).toBe("done");
    expect(JSON.stringify(after.fields)).toContain("2026-03-05");
  });
});

describe("sdd mcp: errors are tool errors, never a crash", () => {
  it("gives the contract's code and exit code for each bad call, and keeps serving", async () => {
    const dir = repo();
    const s = await serve(dir);
    const before = readFileSync(specFile(dir), "utf8");
    const cases: [string, Record<string, unknown>, string, number][] = [
      ["update_status", { spec: ID, task: "task-1-1", status: "done" }, "usage", 2],
      ["update_status", { spec: ID, task: "task-1-1" }, "usage", 2],
      ["update_status", { spec: ID, task: 12, status: "completed" }, "usage", 2],
      ["update_status", { spec: ID, task: "task-1-1", status: "completed", colour: "red" }, "usage", 2],
      ["update_status", { spec: "nope-2026-01-01-009", task: "task-1-1", status: "completed" }, "spec-not-found", 2],
      ["update_status", { spec: ID, task: "task-9", status: "completed" }, "task-not-found", 2],
      ["update_status", { spec: ID, task: "task-1-1", status: "completed", lock_timeout: "soon" }, "usage", 2],
      ["mark_blocked", { spec: ID, task: "task-1-1", reason: "r", type: "stuck" }, "usage", 2],
      ["validate", { targets: "not-an-array" }, "usage", 2],
      ["log_done", { item: "no-such-item" }, "item-not-found", 2],
      ["no_such_tool", {}, "unknown-tool", 2],
    ];
    for (const [tool, args, code, exit] of cases) {
      const r = await s.call(tool, args);
      const label = `${tool} ${JSON.stringify(args)}: ${r.text}`;
      expect(r.isError, label).toBe(true);
      expect(r.doc.ok, label).toBe(false);
      expect(r.doc.exit_code, label).toBe(exit);
      expect(r.doc.error.code, label).toBe(code);
      expect(r.text, label).not.toMatch(/\n\s+at /);
    }
    // Nothing was written, and the server still answers.
    expect(readFileSync(specFile(dir), "utf8")).toBe(before);
    expect((await s.call("progress", { spec: ID })).doc.ok).toBe(true);
    expect(s.stderr()).not.toMatch(/\n\s+at /);
  });

  it("a non-zero exit other than findings is a tool error even without an error object (an unreadable spec: exit 4)", async () => {
    const dir = specsTree([{ spec: makeSpec(ID) }, { spec: makeSpec("torn-2026-01-01-002"), raw: '{"spec_id": "torn' }]);
    const s = await serve(dir);
    const r = await s.call("list_specs");
    expect(r.isError).toBe(true);
    expect(r.doc).toMatchObject({ ok: false, exit_code: 4 });
    expect(r.doc.specs.map((x: any) => x.spec_id)).toEqual([ID]);
    expect(r.doc.unreadable.map((x: any) => x.spec_id)).toEqual(["torn-2026-01-01-002"]);
  });

  it("an argument starting with '-' is a value, never an option", async () => {
    const dir = repo();
    const s = await serve(dir);
    const r = await s.call("add_journal", { spec: ID, title: "--json", content: "-x --dry-run" });
    expect(r.isError, r.text).toBe(false);
    expect(readSpec(dir).journal.at(-1)).toMatchObject({ title: "--json", content: "-x --dry-run" });
    const odd = await s.call("task_info", { spec: ID, task: "--help" });
    expect(odd.doc).toMatchObject({ exit_code: 2, error: { code: "task-not-found" } });
  });
});

describe("sdd mcp: resources", () => {
  it("serves each spec as sdd://spec/<id> (its bytes) and the rendered log as sdd://log", async () => {
    const dir = repo();
    const s = await serve(dir, [], NOW);
    await s.call("log_add", { title: "Item one", spec: "docs/one.md", owner: "me", summary: "s" });
    const { resources } = await s.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([`sdd://spec/${ID}`, "sdd://log"]);
    const spec = await s.client.readResource({ uri: `sdd://spec/${ID}` });
    expect(spec.contents[0]).toMatchObject({ mimeType: "application/json", text: readFileSync(specFile(dir), "utf8") });

    const log = await s.client.readResource({ uri: "sdd://log" });
    const rendered = await runCli(["log", "render", "--json"], { cwd: dir, env: NOW });
    expect(rendered.code, rendered.stdout).toBe(0);
    expect(log.contents[0]).toMatchObject({ mimeType: "text/markdown", text: readFileSync(join(dir, "worklog.md"), "utf8") });
    expect((log.contents[0] as { text: string }).text).toContain("Item one");

    const { resourceTemplates } = await s.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["sdd://spec/{spec_id}"]);
  });

  it("a bad resource URI is a JSON-RPC error carrying the CLI's code and exit code", async () => {
    const s = await serve(repo());
    for (const [uri, code] of [
      ["sdd://spec/nope-2026-01-01-009", "spec-not-found"],
      ["sdd://spec/..%2F..%2Fetc%2Fpasswd", "invalid-spec-id"],
      ["sdd://spec/x.json", "invalid-spec-id"],
      ["sdd://other", "resource-not-found"],
    ] as const) {
      const err = await s.client.readResource({ uri }).then(
        () => undefined,
        (e: unknown) => e as { code: number; data?: Record<string, unknown> },
      );
      expect(err, uri).toBeDefined();
      expect(err!.data, uri).toMatchObject({ code, exit_code: 2 });
    }
    expect((await s.client.listResources()).resources.length).toBe(2);
  });
});

/** Raw newline-delimited JSON-RPC: write the lines, close stdin, collect what comes back. */
function rawSession(cwd: string, lines: string[]): Promise<{ code: number | null; replies: Record<string, any>[]; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, "mcp"], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      // Close the input once every request (a line with an id) has its answer.
      const answered = out.split("\n").filter((l) => l.trim() !== "").length;
      if (answered >= lines.filter((l) => l.includes('"id"')).length) child.stdin.end();
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolvePromise({
        code,
        replies: out
          .split("\n")
          .filter((l) => l.trim() !== "")
          .map((l) => JSON.parse(l) as Record<string, any>),
        stderr: err,
      }),
    );
    for (const l of lines) child.stdin.write(l + "\n");
  });
}

describe("sdd mcp: the wire", () => {
  it("speaks newline-delimited JSON-RPC, shrugs off a line that is not JSON, and exits 0 when its input ends", async () => {
    const dir = repo();
    const init = { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } };
    const r = await rawSession(dir, [
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: init }),
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      "this is not json",
      JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "progress", arguments: { spec: ID } } }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const byId = new Map(r.replies.filter((m) => m.id !== undefined).map((m) => [m.id, m]));
    expect(byId.get(1)?.result.serverInfo.name).toBe("sdd");
    expect(byId.get(2)?.result.structuredContent).toMatchObject({ command: "progress", ok: true, spec_id: ID });
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 0, printing nothing, when its input is empty", async () => {
    const r = await runCli(["mcp"], { cwd: repo() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
  });

  it("ends quietly with exit 0 when the client stops reading its answers (a closed pipe)", async () => {
    const dir = repo();
    const child = spawn(process.execPath, [BIN, "mcp"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    // The client is gone before the answer is written: the server's write finds no reader.
    child.stdout.destroy();
    const init = { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "gone", version: "1" } };
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: init }) + "\n");
    // Its input stays open: only the closed output can end the session.
    const code = await new Promise<number | null>((resolvePromise) => {
      const timer = setTimeout(() => child.stdin.end(), 10_000);
      child.on("close", (c) => {
        clearTimeout(timer);
        resolvePromise(c);
      });
    });
    expect(err).not.toMatch(/EPIPE|\n\s+at /);
    expect(code, err).toBe(0);
  });

  it("takes calls in parallel: every one of 20 concurrent writes to one spec lands", async () => {
    const dir = repo();
    const s = await serve(dir);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.call("add_journal", { spec: ID, title: `entry ${i}`, content: "parallel" })),
    );
    for (const r of results) expect(r.isError, r.text).toBe(false);
    const titles = (readSpec(dir).journal as { title: string }[]).map((e) => e.title).sort();
    expect(titles).toEqual(Array.from({ length: 20 }, (_, i) => `entry ${i}`).sort());
  });
});

describe("sdd mcp: a long session", () => {
  it("survives 1,000 calls in a row with flat memory", async () => {
    const dir = repo();
    const s = await serve(dir);
    const pid = s.transport.pid!;
    const rss: Record<number, number | undefined> = {};
    for (let i = 1; i <= 1000; i++) {
      // Reads, a write with compare-and-swap and a refused call, in turn.
      const r =
        i % 10 === 0
          ? await s.call("update_status", { spec: ID, task: "task-1-2", status: i % 20 === 0 ? "pending" : "in_progress" })
          : i % 10 === 5
            ? await s.call("task_info", { spec: ID, task: "no-such-task" })
            : i % 2 === 0
              ? await s.call("progress", { spec: ID })
              : await s.call("task_info", { spec: ID, task: "task-1-1" });
      if (i % 10 === 5) expect(r.isError).toBe(true);
      else expect(r.isError, `call ${i}: ${r.text}`).toBe(false);
      if (i === 100 || i === 1000) rss[i] = rssKb(pid);
    }
    // The figures, for the record.
    console.log(`sdd mcp RSS: ${String(rss[100])} kB at call 100, ${String(rss[1000])} kB at call 1000`);
    if (rss[100] !== undefined && rss[1000] !== undefined) expect(rss[1000] - rss[100]).toBeLessThan(40 * 1024);
    expect(readSpec(dir).hierarchy["task-1-2"].status).toBe("pending");
    // Nothing piled up along the way (a listener added per call would warn here).
    expect(s.stderr()).toBe("");
  });
});
