// Benchmark harness (`npm run bench`): builds its fixtures in a temp directory, times the
// built CLI against baselines measured in the same run, and writes docs/benchmarks.md.
//
// Plain Node, no dependencies, no network. Every figure is the median of repeated runs of
// a child process (`process.execPath`), timed from the outside with performance.now().
// Ratios against a baseline taken on the same machine in the same run are the stable
// figures; absolute milliseconds depend on the machine and its load.
//
// Options: --quick (small fixtures, few runs: a smoke test of the harness itself; does not
// write docs/benchmarks.md unless --write is also given), --write, --keep (keep the temp dir).
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "docs", "benchmarks.md");

const args = new Set(process.argv.slice(2));
const QUICK = args.has("--quick");
const WRITE = !QUICK || args.has("--write");
const KEEP = args.has("--keep");

const CFG = QUICK
  ? { startRuns: 3, bulkRuns: 1, bulkSpecs: 50, memRuns: 1, bigRuns: 2, bigPhases: 40, contRuns: 1, workers: 4, perWorker: 5 }
  : { startRuns: 15, bulkRuns: 5, bulkSpecs: 1000, memRuns: 3, bigRuns: 7, bigPhases: 200, contRuns: 3, workers: 8, perWorker: 25 };

const CHILD_ENV = { ...process.env, NO_COLOR: "1", CI: "true", GITHUB_STEP_SUMMARY: "" };
delete CHILD_ENV.SDD_SPECS_DIR;
delete CHILD_ENV.NODE_OPTIONS;

// ---------------------------------------------------------------------------------------
// Statistics

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile. */
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1];
}

// ---------------------------------------------------------------------------------------
// Running children

/**
 * CPU time (user + system) of this process's children that have exited so far, in ms, from
 * /proc/self/stat (cutime and cstime); NaN where there is no /proc.
 */
function childrenCpuMs() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 16 and 17 of stat(5); the list above starts at field 3.
    const ticks = Number(fields[13]) + Number(fields[14]);
    const hz = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
    return (ticks * 1000) / hz;
  } catch {
    return Number.NaN;
  }
}

/** Run one child synchronously; returns its wall time in ms. Throws on an unexpected exit code. */
function timeSync(argv, { cwd, expect = [0], label, env }) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, {
    cwd,
    env: env === undefined ? CHILD_ENV : { ...CHILD_ENV, ...env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (!expect.includes(r.status)) {
    throw new Error(
      `${label ?? argv.join(" ")}: exit ${r.status} (expected ${expect.join("/")})\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`,
    );
  }
  return ms;
}

/** Run one child asynchronously; resolves with {ms, code, stdout}. */
function timeAsync(argv, cwd, env) {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, {
      cwd,
      env: env === undefined ? CHILD_ENV : { ...CHILD_ENV, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

/** Measure two commands alternately, so drifting machine load hits both alike. */
function measurePair(a, b, runs) {
  timeSync(a.argv, a.opts);
  timeSync(b.argv, b.opts);
  const ta = [];
  const tb = [];
  for (let i = 0; i < runs; i++) {
    ta.push(timeSync(a.argv, a.opts));
    tb.push(timeSync(b.argv, b.opts));
  }
  return [
    { median: median(ta), times: ta },
    { median: median(tb), times: tb },
  ];
}

/** Measure several commands run by run (one discarded warm-up each): their medians, in order. */
function measureAll(cmds, runs) {
  for (const c of cmds) timeSync(c.argv, c.opts);
  const times = cmds.map(() => []);
  for (let i = 0; i < runs; i++) cmds.forEach((c, k) => times[k].push(timeSync(c.argv, c.opts)));
  return times.map((t) => median(t));
}

/**
 * Peak resident memory of a child, in bytes: the kernel's high-water mark of the whole
 * process (every thread), as getrusage reports it (process.resourceUsage().maxRSS), written
 * by a module preloaded with --import when the process exits. The same preload runs in the
 * baseline, so both carry its (tiny) cost alike.
 */
let RSS_HOOK;
function peakRss(argv, opts) {
  const out = join(tmp, `rss-${process.pid}.txt`);
  rmSync(out, { force: true });
  timeSync(["--import", RSS_HOOK, ...argv], { ...opts, env: { ...opts.env, SDD_BENCH_RSS_FILE: out } });
  return Number(readFileSync(out, "utf8")) * 1024;
}

// ---------------------------------------------------------------------------------------
// Fixtures: valid specs in the format of the Python toolkit

/** Deterministic PRNG (mulberry32), so every run benchmarks the same bytes. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  "wallet ledger retry payment usage quota hold expiry subscription provider replay idempotency settlement balance cap reservation cleanup regression audit schema migration index cache session token webhook queue worker backoff timeout metric alert trace".split(
    " ",
  );
const CATEGORIES = ["investigation", "implementation", "refactoring", "decision", "research"];

function words(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  const s = out.join(" ");
  return s[0].toUpperCase() + s.slice(1);
}

function iso(base, minutes) {
  return new Date(base + minutes * 60_000).toISOString().replace(".000Z", "Z");
}

/**
 * A valid spec: spec-root -> `phases` phases; each phase holds `tasks` tasks (the first
 * `withSubtasks` of them split into `subtasks` subtasks) and `verifies` verify nodes.
 * Tasks of a phase form a blocks/blocked_by chain. `progress` (0..1) is the share of leaves
 * completed in tree order; the next leaf is in progress. Roll-ups, container statuses and
 * journal entries (one per completed task/verify, plus notes) are consistent.
 */
function makeSpec({ id, folder, phases, tasks, withSubtasks, subtasks, verifies, progress, seed }) {
  const r = rng(seed);
  const base = Date.UTC(2026, 0, 1) + Math.floor(r() * 200) * 86_400_000;
  const h = {};
  const node = (id, type, parent, extra = {}) => {
    h[id] = {
      type,
      title: words(r, 3 + Math.floor(r() * 5)),
      status: "pending",
      parent,
      children: [],
      total_tasks: 0,
      completed_tasks: 0,
      metadata: {},
      ...extra,
    };
    if (parent !== null) h[parent].children.push(id);
    return h[id];
  };
  node("spec-root", "spec", null);
  const leaves = [];
  for (let p = 1; p <= phases; p++) {
    node(`phase-${p}`, "phase", "spec-root", { metadata: { risk_level: r() < 0.3 ? "high" : "medium" } });
    for (let t = 1; t <= tasks; t++) {
      const tid = `task-${p}-${t}`;
      const task = node(tid, "task", `phase-${p}`, {
        dependencies: { blocks: [], blocked_by: [], depends: [] },
        metadata: {
          task_category: CATEGORIES[Math.floor(r() * CATEGORIES.length)],
          file_path: `src/${WORDS[Math.floor(r() * WORDS.length)]}/${WORDS[Math.floor(r() * WORDS.length)]}.ts`,
          estimated_hours: 1 + Math.floor(r() * 6),
          details: [words(r, 6), words(r, 8)],
        },
      });
      if (t > 1) {
        task.dependencies.blocked_by.push(`task-${p}-${t - 1}`);
        h[`task-${p}-${t - 1}`].dependencies.blocks.push(tid);
      }
      if (t <= withSubtasks) {
        for (let s = 1; s <= subtasks; s++) {
          node(`task-${p}-${t}-${s}`, "subtask", tid, { metadata: { details: words(r, 7) } });
          leaves.push(`task-${p}-${t}-${s}`);
        }
      } else leaves.push(tid);
    }
    for (let v = 1; v <= verifies; v++) {
      node(`verify-${p}-${v}`, "verify", `phase-${p}`, {
        metadata: { verification_type: v === 1 ? "auto" : "manual", command: "npm test", expected: words(r, 6) },
      });
      leaves.push(`verify-${p}-${v}`);
    }
  }

  // Leaf statuses and their tracking metadata, in tree order.
  const done = Math.floor(leaves.length * progress);
  let clock = 60;
  leaves.forEach((lid, i) => {
    const md = h[lid].metadata;
    if (i < done) {
      h[lid].status = "completed";
      md.started_at = iso(base, clock);
      clock += 5 + Math.floor(r() * 90);
      md.completed_at = iso(base, clock);
      clock += 1;
    } else if (i === done && progress > 0 && progress < 1) {
      h[lid].status = "in_progress";
      md.started_at = iso(base, clock);
    }
  });

  // Roll-ups, children first (the same rule as src/core/spec/rollup.ts and computeCounts).
  const journaled = new Set(["task", "verify"]);
  const rollup = (nid) => {
    const n = h[nid];
    if (n.children.length === 0) {
      const work = n.type === "task" || n.type === "subtask" || n.type === "verify";
      n.total_tasks = work ? 1 : 0;
      n.completed_tasks = work && n.status === "completed" ? 1 : 0;
      return;
    }
    let total = 0;
    let completed = 0;
    let started = false;
    let last;
    for (const kid of n.children) {
      rollup(kid);
      total += h[kid].total_tasks;
      completed += h[kid].completed_tasks;
      if (h[kid].status === "in_progress" || h[kid].status === "completed") started = true;
      const c = h[kid].metadata.completed_at;
      if (c !== undefined && (last === undefined || c > last)) last = c;
    }
    n.total_tasks = total;
    n.completed_tasks = completed;
    if (total > 0) {
      n.status = completed === total ? "completed" : started ? "in_progress" : "pending";
      if (n.status === "completed") n.metadata.completed_at = last;
    }
  };
  rollup("spec-root");

  // Journal: every completed node of a journaled type has an entry made after its completion.
  const journal = [];
  const entries = [];
  for (const [nid, n] of Object.entries(h)) {
    if (n.status !== "completed" || !journaled.has(n.type)) continue;
    const at = iso(Date.parse(n.metadata.completed_at), 1);
    n.metadata.needs_journaling = false;
    n.metadata.journaled_at = at;
    entries.push({
      timestamp: at,
      entry_type: "status_change",
      title: `Task Completed: ${n.title}`,
      author: "claude-code",
      content: `Task ${nid} marked as completed. \nNote: ${words(r, 12)}.`,
      metadata: {},
      task_id: nid,
    });
  }
  entries.push({
    timestamp: iso(base, 30),
    entry_type: "decision",
    title: words(r, 4),
    author: "claude-code",
    content: words(r, 20),
    metadata: {},
  });
  entries.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  journal.push(...entries);

  const root = h["spec-root"];
  const title = words(r, 4);
  root.title = title;
  const status = folder === "completed" ? "completed" : folder === "active" ? "active" : "pending";
  const metadata = {
    template: "feature",
    title,
    description: words(r, 18),
    objectives: [words(r, 10), words(r, 10), words(r, 10)],
    complexity: "medium",
    estimated_hours: 8 + Math.floor(r() * 40),
    owner: "bench",
    status,
    assumptions: [words(r, 9), words(r, 9)],
    progress_percentage: root.total_tasks === 0 ? 0 : Math.floor((root.completed_tasks / root.total_tasks) * 100),
  };
  if (folder === "active") metadata.activated_date = iso(base, 50);
  if (folder === "completed") metadata.completed_date = iso(base, clock + 10);
  const last = folder === "completed" ? clock + 10 : clock + 2;
  return {
    spec_id: id,
    title,
    generated: iso(base, 0),
    last_updated: iso(base, last),
    metadata,
    hierarchy: h,
    journal,
  };
}

/** About 100 nodes: 4 phases x (6 tasks, 4 of them with 4 subtasks, + 2 verify) + root = 101. */
const SPEC_100 = { phases: 4, tasks: 6, withSubtasks: 4, subtasks: 4, verifies: 2 };

function writeSpec(specsDir, folder, spec) {
  const dir = join(specsDir, folder);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${spec.spec_id}.json`);
  writeFileSync(file, JSON.stringify(spec, null, 2) + "\n");
  return file;
}

const nodeCount = (spec) => Object.keys(spec.hierarchy).length;

// ---------------------------------------------------------------------------------------
// Scenarios

const tmp = mkdtempSync(join(tmpdir(), "sdd-bench-"));

// Benchmark a snapshot of the build: a rebuild of dist/ while the bench runs (another
// terminal, a watcher) must not change or break the program under test.
if (!existsSync(join(ROOT, "dist", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first (npm run bench does)");
const APP = join(tmp, "app");
for (const part of ["bin", "dist", "schemas", "package.json"]) cpSync(join(ROOT, part), join(APP, part), { recursive: true });
symlinkSync(join(ROOT, "node_modules"), join(APP, "node_modules"), "dir");
const BIN = join(APP, "bin", "sdd.js");
RSS_HOOK = join(tmp, "rss-hook.mjs");
writeFileSync(
  RSS_HOOK,
  `import { writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(process.env.SDD_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));
`,
);
const results = [];
let contention;
let memory;
const notes = [];
const started = performance.now();
const loadBefore = loadavg()[0];
const log = (s) => process.stderr.write(s + "\n");

function rowOf(scenario, command, ms, baselineName, baselineMs, target, format) {
  const ratio = ms / baselineMs;
  const met = target === undefined ? "" : ratio <= target ? "met" : "not met";
  results.push({ scenario, command, ms, baselineName, baselineMs, ratio, target, met, format });
}
const row = (scenario, command, ms, baselineName, baselineMs, target) => rowOf(scenario, command, ms, baselineName, baselineMs, target);
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

try {
  // --- start --------------------------------------------------------------------------
  {
    log(`start: ${CFG.startRuns} runs each`);
    const dir = join(tmp, "start");
    const spec = makeSpec({ id: "checkout-flow-2026-03-01-001", folder: "active", progress: 0.4, seed: 1, ...SPEC_100 });
    writeSpec(join(dir, "specs"), "active", spec);
    const n = nodeCount(spec);
    // Each start-up lever is also measured switched off (bin/sdd.js and src/main.ts read
    // these variables for this purpose only): the rows show what each saves, in this run.
    const without = (env) => ({ cwd: dir, env });
    const ESM = { SDD_BENCH_ESM: "1" };
    const NO_CACHE = { SDD_NO_CODE_CACHE: "1" };
    const WORKER = { SDD_BENCH_WORKER: "1" };
    const validateArgv = [BIN, "validate", spec.spec_id];
    // Interleaved run by run, so load drift affects all alike.
    const cmds = {
      base: [["-e", "0"], { cwd: dir }],
      version: [[BIN, "--version"], { cwd: dir }],
      validate: [validateArgv, { cwd: dir }],
      versionNoCache: [[BIN, "--version"], without(NO_CACHE)],
      versionEsm: [[BIN, "--version"], without(ESM)],
      validateNoCache: [validateArgv, without(NO_CACHE)],
      validateWorker: [validateArgv, without(WORKER)],
      validateEsm: [validateArgv, without(ESM)],
      validateBefore: [validateArgv, without({ ...ESM, ...WORKER })],
    };
    const times = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]));
    for (const k of Object.keys(cmds)) timeSync(cmds[k][0], cmds[k][1]);
    for (let i = 0; i < CFG.startRuns; i++) for (const k of Object.keys(cmds)) times[k].push(timeSync(cmds[k][0], cmds[k][1]));
    const base = median(times.base);
    const start = (command, k, target) => row("start", command, median(times[k]), "`node -e 0`", base, target);
    const v = `\`sdd validate <id>\` (${n} nodes)`;
    start("`sdd --version`", "version", 1.15);
    start(`${v}`, "validate", 1.3);
    start("`sdd --version` without the code cache", "versionNoCache");
    start("`sdd --version` from the ES modules (no bundle, no cache)", "versionEsm");
    start(`${v} without the code cache`, "validateNoCache");
    start(`${v} on a worker thread`, "validateWorker");
    start(`${v} from the ES modules (no bundle, no cache)`, "validateEsm");
    start(`${v} from the ES modules, on a worker thread`, "validateBefore");
    notes.push(
      "start: each row after the first two switches start-up levers off (docs/architecture.md, Start-up): " +
        "without the code cache is `SDD_NO_CODE_CACHE=1`; from the ES modules is `SDD_BENCH_ESM=1` (dist/main.js through " +
        "Node's ES module loader: neither the one CommonJS file nor its cache); on a worker thread is `SDD_BENCH_WORKER=1`.",
    );
  }

  // --- bulk ---------------------------------------------------------------------------
  {
    const dir = join(tmp, "bulk");
    const specsDir = join(dir, "specs");
    const t0 = performance.now();
    const counts = { active: 0, completed: 0, pending: 0 };
    let nodes = 0;
    let bytes = 0;
    for (let i = 0; i < CFG.bulkSpecs; i++) {
      const k = i % 10;
      const folder = k < 3 ? "active" : k < 8 ? "completed" : "pending";
      const progress = folder === "completed" ? 1 : folder === "pending" ? 0 : 0.2 + ((i * 7) % 60) / 100;
      const day = String(1 + (i % 28)).padStart(2, "0");
      const id = `bench-${String(i).padStart(4, "0")}-2026-02-${day}-001`;
      const spec = makeSpec({ id, folder, progress, seed: 1000 + i, ...SPEC_100 });
      const file = writeSpec(specsDir, folder, spec);
      counts[folder]++;
      nodes += nodeCount(spec);
      bytes += readFileSync(file).length;
    }
    log(`bulk: ${CFG.bulkSpecs} specs written in ${Math.round(performance.now() - t0)} ms; ${CFG.bulkRuns} runs each`);
    const baseline = join(dir, "read-parse.mjs");
    writeFileSync(
      baseline,
      `import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
const root = process.argv[2];
let n = 0;
for (const folder of ["pending", "active", "completed", "archived"]) {
  let names;
  try { names = readdirSync(join(root, folder)); } catch { continue; }
  for (const name of names.filter((x) => x.endsWith(".json")).sort()) {
    JSON.parse(readFileSync(join(root, folder, name), "utf8"));
    n++;
  }
}
process.stdout.write(n + " files\\n");
`,
    );
    const sharing = { SDD_VALIDATE_SHARE: "1" };
    const [v, vShare, b] = measureAll(
      [
        { argv: [BIN, "validate"], opts: { cwd: dir } },
        { argv: [BIN, "validate"], opts: { cwd: dir, env: sharing } },
        { argv: [baseline, specsDir], opts: { cwd: dir } },
      ],
      CFG.bulkRuns,
    );
    row(
      "bulk",
      `\`sdd validate\` (${CFG.bulkSpecs} specs, ${Math.round(nodes / CFG.bulkSpecs)} nodes avg, ${(bytes / 1e6).toFixed(1)} MB)`,
      v,
      "read + `JSON.parse` script",
      b,
      1.6,
    );
    row("bulk", "the same, the calling thread validating too (`SDD_VALIDATE_SHARE=1`)", vShare, "read + `JSON.parse` script", b, undefined);
    notes.push(
      `bulk fixture: ${counts.active} active, ${counts.completed} completed, ${counts.pending} pending specs; ${nodes} nodes; ${(bytes / 1e6).toFixed(1)} MB.`,
    );

    // Peak memory, in runs of their own (the preload that reports it is not in the timings).
    log(`memory: ${CFG.memRuns} runs each`);
    const rssV = [];
    const rssS = [];
    const rssB = [];
    for (let i = 0; i < CFG.memRuns; i++) {
      rssV.push(peakRss([BIN, "validate"], { cwd: dir }));
      rssS.push(peakRss([BIN, "validate"], { cwd: dir, env: sharing }));
      rssB.push(peakRss([baseline, specsDir], { cwd: dir }));
    }
    memory = { runs: CFG.memRuns };
    rowOf(
      "memory",
      "peak RSS of `sdd validate` (the bulk fixture)",
      median(rssV),
      "the read + `JSON.parse` script",
      median(rssB),
      2.5,
      mib,
    );
    rowOf(
      "memory",
      "the same, the calling thread validating too (`SDD_VALIDATE_SHARE=1`)",
      median(rssS),
      "the read + `JSON.parse` script",
      median(rssB),
      undefined,
      mib,
    );

    // --- ci: the bulk specs plus one work item per spec and the log rendered from them ---
    const items = join(dir, "work-items");
    const docs = join(dir, "docs", "items");
    mkdirSync(items, { recursive: true });
    mkdirSync(docs, { recursive: true });
    for (let i = 0; i < CFG.bulkSpecs; i++) {
      const k = i % 10;
      const done = k >= 3 && k < 8;
      const day = String(1 + (i % 28)).padStart(2, "0");
      const specId = `bench-${String(i).padStart(4, "0")}-2026-02-${day}-001`;
      const id = `2026-02-${day}-bench-item-${String(i).padStart(4, "0")}`;
      writeFileSync(join(docs, `${id}.md`), `# ${words(rng(i), 4)}\n\n- SDD Spec: \`${specId}\`\n`);
      const fields = [
        { key: "Spec", value: `\`docs/items/${id}.md\`` },
        { key: "SDD Spec", value: `\`${specId}\`` },
        { key: "Owner", value: ["Robin", "Lee", "Sam"][i % 3] },
        { key: "Started", value: `2026-02-${day}` },
        ...(done ? [{ key: "Done", value: `2026-03-${day}` }] : []),
        { key: "Summary", value: `${words(rng(5000 + i), 8)}.` },
      ];
      const item = { schema_version: 1, id, state: done ? "done" : "open", tags: ["BENCH"], title: words(rng(9000 + i), 5), fields };
      writeFileSync(join(items, `${id}.json`), JSON.stringify(item, null, 2) + "\n");
    }
    timeSync([BIN, "log", "render"], { cwd: dir, label: "ci: sdd log render" });
    log(`ci: ${CFG.bulkSpecs} work items; ${CFG.bulkRuns} runs each`);
    const [ci, ciOnce, val] = measureAll(
      [
        { argv: [BIN, "ci", "--format", "text"], opts: { cwd: dir } },
        { argv: [BIN, "ci", "--format", "text"], opts: { cwd: dir, env: { SDD_READ_ONCE: "0" } } },
        { argv: [BIN, "validate"], opts: { cwd: dir } },
      ],
      CFG.bulkRuns,
    );
    row("ci", `\`sdd ci\` (the bulk specs + ${CFG.bulkSpecs} work items)`, ci, "`sdd validate` of the specs", val, 1.25);
    row("ci", "the same, each spec parsed again by every step (`SDD_READ_ONCE=0`)", ciOnce, "`sdd validate` of the specs", val, undefined);
    notes.push(
      `ci: the bulk fixture plus ${CFG.bulkSpecs} work items (one per spec, each linking its spec and a markdown document) and the log rendered from them; \`sdd ci\` reports no finding.`,
    );
  }

  // --- big spec -----------------------------------------------------------------------
  {
    const dir = join(tmp, "big");
    const spec = makeSpec({
      id: "platform-rewrite-2026-04-01-001",
      folder: "active",
      progress: 0.3,
      seed: 7,
      ...SPEC_100,
      phases: CFG.bigPhases,
    });
    const file = writeSpec(join(dir, "specs"), "active", spec);
    const n = nodeCount(spec);
    // A leaf task in the last phase (pending, no subtasks): toggled every run.
    const task = `task-${CFG.bigPhases}-${SPEC_100.tasks}`;
    if (spec.hierarchy[task].status !== "pending" || spec.hierarchy[task].children.length !== 0)
      throw new Error(`${task} is not a pending leaf`);
    log(`big spec: ${n} nodes, ${(readFileSync(file).length / 1e6).toFixed(1)} MB; ${CFG.bigRuns} runs each`);
    let toggle = 0;
    const update = (env) =>
      timeSync([BIN, "update-status", spec.spec_id, task, toggle++ % 2 === 0 ? "in_progress" : "pending"], { cwd: dir, env });
    const validate = () => timeSync([BIN, "validate", spec.spec_id], { cwd: dir });
    const copying = { SDD_BACKUP_COPY: "1" };
    update();
    update(copying);
    validate();
    const tu = [];
    const tc = [];
    const tv = [];
    for (let i = 0; i < CFG.bigRuns; i++) {
      tu.push(update());
      tc.push(update(copying));
      tv.push(validate());
    }
    const final = JSON.parse(readFileSync(file, "utf8")).hierarchy[task].status;
    const expected = (toggle - 1) % 2 === 0 ? "in_progress" : "pending";
    if (final !== expected) throw new Error(`big spec: ${task} is ${final}, expected ${expected}`);
    row(
      "big spec",
      `\`sdd update-status\` (${n} nodes, ${(readFileSync(file).length / 1e6).toFixed(1)} MB)`,
      median(tu),
      "`sdd validate` of it",
      median(tv),
      1.5,
    );
    row(
      "big spec",
      "the same, the backup copied, not linked (`SDD_BACKUP_COPY=1`)",
      median(tc),
      "`sdd validate` of it",
      median(tv),
      undefined,
    );
  }

  // --- contention ---------------------------------------------------------------------
  {
    const dir = join(tmp, "contention");
    const specsDir = join(dir, "specs");
    const W = CFG.workers;
    const U = CFG.perWorker;
    const spec = makeSpec({
      id: "parallel-agents-2026-05-01-001",
      folder: "active",
      progress: 0,
      seed: 11,
      phases: W,
      tasks: U,
      withSubtasks: 0,
      subtasks: 0,
      verifies: 1,
    });
    const text = JSON.stringify(spec, null, 2) + "\n";
    const file = join(specsDir, "active", `${spec.spec_id}.json`);
    const reset = () => {
      rmSync(specsDir, { recursive: true, force: true });
      mkdirSync(join(specsDir, "active"), { recursive: true });
      writeFileSync(file, text);
    };
    // Update i of worker w: task-w-(i+1), alternately completed and in_progress.
    const updates = [];
    for (let w = 1; w <= W; w++)
      for (let i = 0; i < U; i++) updates.push({ w, task: `task-${w}-${i + 1}`, status: i % 2 === 0 ? "completed" : "in_progress" });
    const argvOf = (u) => [BIN, "update-status", spec.spec_id, u.task, u.status, "--json", "--lock-timeout", "60s"];
    const check = (done) => {
      // Every update that reported success must be in the file (each task is updated once,
      // so the last successful update of a task is its only one).
      const doc = JSON.parse(readFileSync(file, "utf8"));
      let lost = 0;
      let failed = 0;
      for (const d of done) {
        let ok = false;
        try {
          ok = d.code === 0 && JSON.parse(d.stdout).ok === true;
        } catch {
          ok = false;
        }
        if (!ok) failed++;
        else if (doc.hierarchy[d.u.task].status !== d.u.status) lost++;
      }
      return { lost, failed };
    };
    const par = { wall: [], lat: [], lost: 0, failed: 0 };
    const poll = { wall: [], lat: [], lost: 0, failed: 0 };
    const seq = { wall: [], lat: [], lost: 0, failed: 0, cpu: [] };
    // The parallel run, in turn (the default) or polling for the lock (SDD_LOCK_POLL=1).
    const parallel = async (into, env) => {
      reset();
      const t0 = performance.now();
      const done = [];
      await Promise.all(
        Array.from({ length: W }, async (_, k) => {
          for (const u of updates.filter((x) => x.w === k + 1)) {
            const r = await timeAsync(argvOf(u), dir, env);
            done.push({ u, ...r });
          }
        }),
      );
      into.wall.push(performance.now() - t0);
      into.lat.push(...done.map((d) => d.ms));
      const c = check(done);
      into.lost += c.lost;
      into.failed += c.failed;
      timeSync([BIN, "validate", spec.spec_id], { cwd: dir, label: "contention: validate after the parallel run" });
    };
    log(`contention: ${W} processes x ${U} updates on ${nodeCount(spec)} nodes; ${CFG.contRuns} runs each`);
    for (let run = 0; run < CFG.contRuns; run++) {
      await parallel(par);
      await parallel(poll, { SDD_LOCK_POLL: "1" });
      reset();
      const cpu0 = childrenCpuMs();
      const t0 = performance.now();
      const doneSeq = [];
      for (const u of updates) {
        const r = await timeAsync(argvOf(u), dir);
        doneSeq.push({ u, ...r });
      }
      seq.wall.push(performance.now() - t0);
      seq.cpu.push(childrenCpuMs() - cpu0);
      seq.lat.push(...doneSeq.map((d) => d.ms));
      const c = check(doneSeq);
      seq.lost += c.lost;
      seq.failed += c.failed;
    }
    const total = W * U;
    row(
      "contention",
      `${W} processes × ${U} \`update-status\`, total wall`,
      median(par.wall),
      `the same ${total}, one after another`,
      median(seq.wall),
      0.4,
    );
    row(
      "contention",
      "the same, waiters polling for the lock (`SDD_LOCK_POLL=1`)",
      median(poll.wall),
      `the same ${total}, one after another`,
      median(seq.wall),
      undefined,
    );
    // The floor on this machine: the CPU time the 200 commands need, spread over every core.
    // No scheduling of the lock can finish the parallel run sooner than that.
    if (!Number.isNaN(median(seq.cpu)))
      row(
        "contention",
        `the floor: the serial run's CPU time (${(median(seq.cpu) / 1000).toFixed(1)} s) over ${availableParallelism()} cores`,
        median(seq.cpu) / availableParallelism(),
        `the same ${total}, one after another`,
        median(seq.wall),
        undefined,
      );
    const p = (m) => ({ p50: percentile(m.lat, 50), p99: percentile(m.lat, 99) });
    row("contention", `command latency p99, ${W} in parallel`, p(par).p99, "p50 of the same", p(par).p50, 3);
    row("contention", "the same, polling (`SDD_LOCK_POLL=1`)", p(poll).p99, "p50 of the same", p(poll).p50, undefined);
    contention = {
      par: { ...par, ...p(par) },
      poll: { ...poll, ...p(poll) },
      seq: { ...seq, p50: percentile(seq.lat, 50), p99: percentile(seq.lat, 99) },
      total,
      runs: CFG.contRuns,
    };
  }
} finally {
  if (KEEP) log(`fixtures kept in ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------
// Report

const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const c = contention;
const lostAll = c.par.lost + c.poll.lost + c.seq.lost;
const lostMet = lostAll === 0 ? "met" : "not met";

const table = [
  "| Scenario | Command | Median | Baseline | Baseline median | Ratio | Target | Met |",
  "| --- | --- | --: | --- | --: | --: | --: | --- |",
  ...results.map(
    (r) =>
      `| ${r.scenario} | ${r.command} | ${(r.format ?? fmt)(r.ms)} | ${r.baselineName} | ${(r.format ?? fmt)(r.baselineMs)} | ${r.ratio.toFixed(2)}× | ${r.target === undefined ? "–" : `≤ ${r.target}×`} | ${r.met || "–"} |`,
  ),
  `| contention | lost updates (all runs, every mode) | ${lostAll} | – | – | – | 0 | ${lostMet} |`,
];

const contTable = [
  "| Mode | Total wall (median) | Command latency p50 | Command latency p99 | Failed commands | Lost updates |",
  "| --- | --: | --: | --: | --: | --: |",
  `| ${CFG.workers} processes in parallel | ${fmt(median(c.par.wall))} | ${fmt(c.par.p50)} | ${fmt(c.par.p99)} | ${c.par.failed} | ${c.par.lost} |`,
  `| ${CFG.workers} processes in parallel, polling (\`SDD_LOCK_POLL=1\`) | ${fmt(median(c.poll.wall))} | ${fmt(c.poll.p50)} | ${fmt(c.poll.p99)} | ${c.poll.failed} | ${c.poll.lost} |`,
  `| one after another | ${fmt(median(c.seq.wall))} | ${fmt(c.seq.p50)} | ${fmt(c.seq.p99)} | ${c.seq.failed} | ${c.seq.lost} |`,
];

const cpu = cpus()[0]?.model?.trim() ?? "unknown CPU";
const machine = `nproc ${availableParallelism()}, ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
const elapsed = (performance.now() - started) / 1000;
const load = `1-min load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`;

const md = `# Benchmarks

Generated by \`npm run bench\` (\`scripts/bench.mjs\`); do not edit by hand.

**Machine:** ${machine}. Whole run: ${elapsed.toFixed(0)} s; ${load}.

**Read the ratios, not the milliseconds.** Every figure is the median of repeated runs of
a fresh child process, and every ratio compares \`sdd\` with a baseline measured on the same
machine in the same run (runs alternate between the two so drifting load hits both). Absolute
times move with the machine and its load by tens of percent; the ratios are the stable figures
and the targets are stated as ratios. On a machine this small (2 CPUs) a ratio still moves by
about ±0.1 between runs; the start-up ratios are the most sensitive (a few ms either way).

The program under test is a copy of \`bin/\`, \`dist/\` and \`schemas/\` taken when the run starts,
so a rebuild during the run does not change it. Children run with \`NO_COLOR=1\` and \`CI=true\`.

## Results

${table.join("\n")}

Runs per figure: start ${CFG.startRuns}, bulk and ci ${CFG.bulkRuns}, memory ${CFG.memRuns}, big spec ${CFG.bigRuns}, contention ${CFG.contRuns}
(each after one discarded warm-up run, except memory and contention).

Peak memory is the kernel's high-water mark of resident memory for the whole process (all its
threads), as \`getrusage\` reports it: a module preloaded with \`node --import\` writes
\`process.resourceUsage().maxRSS\` when the process exits. The baseline runs with the same
preload. These runs are separate from the timed ones.

## Levers

Each row marked with an environment variable runs the same command with one lever turned off,
in the same run, alternating with the default: the difference between the two rows is what the
lever buys. The variables exist for this measurement only.

- \`SDD_VALIDATE_SHARE=1\`: the thread that runs \`validate\` validates files too, beside its
  workers (one per CPU otherwise, each with a small young generation, while it only collects
  the outcomes). The default keeps its heap small; sharing saves one worker's start.
- \`SDD_READ_ONCE=0\`: every step of \`sdd ci\` reads and parses the spec files again
  (journaling, claims, and the work-item log, which reads a spec per link); by default a file
  read once in the run is not read again while it is unchanged.
- \`SDD_BACKUP_COPY=1\`: the backup taken before a write copies the spec's bytes (written and
  fsynced) instead of linking the file that the write replaces.
- \`SDD_LOCK_POLL=1\`: a writer waiting for a spec's lock polls for it with growing sleeps;
  by default waiters queue in turn and the oldest is woken when the lock is released (a watch
  on the locks folder), so no waiter loses round after round.

## Contention

${CFG.workers} processes each run ${CFG.perWorker} \`update-status --json\` commands one after another, each on its
own task of one spec (${c.total} updates in all), against the same ${c.total} updates run one at a time.
Latency is each command's wall time measured from the outside (process start to exit); it
includes the time spent waiting for the spec's lock, which \`sdd\` does not report in its
output. A lost update is a task whose final status is not the one its successful update set.

The floor row is the CPU time (user and system, of every child process) the serial run took,
divided by the number of cores: the parallel run cannot finish sooner, however the lock is
handed over. Each command is a whole Node process, so most of that CPU time is start-up and
work done outside the lock; where the floor's ratio is above the target, the target cannot be
met on this machine, and the gap between the parallel row and the floor is what is left to win.

${contTable.join("\n")}

## Fixtures

All fixtures are generated in a temp directory by the script (deterministic, seeded): valid
specs in the Python toolkit's format, with phases, tasks, subtasks, verify nodes, blocks /
blocked_by chains, consistent roll-ups and a journal entry for every completed task and
verify node. \`sdd validate\` reports no finding on any of them.

- start: one spec of ${SPEC_100.phases * (1 + SPEC_100.tasks + SPEC_100.verifies + SPEC_100.withSubtasks * SPEC_100.subtasks) + 1} nodes, given by id.
- ${notes.join("\n- ")}
- big spec: ${CFG.bigPhases} phases of the same shape; each run toggles one leaf task between \`in_progress\` and \`pending\`, so every run
  writes (the lock, backup, history and fsyncs are included). Its baseline is \`sdd validate\` of the same file, so a faster
  validate makes this ratio larger.
- contention: ${CFG.workers} phases of ${CFG.perWorker} tasks (+1 verify each); the spec is reset before each run.
`;

process.stdout.write("\n" + table.join("\n") + "\n\n" + contTable.join("\n") + `\n\n${machine}; ${load}\n`);
if (WRITE) {
  writeFileSync(OUT, md);
  log(`wrote ${OUT}`);
}
const failed = results.some((r) => r.met === "not met") || lostMet !== "met";
if (failed) log("some targets are not met (see the table)");
