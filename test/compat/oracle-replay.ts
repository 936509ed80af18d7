/**
 * Replays the recorded behaviour of the Python tool (the toolkit oracle: argv, exit code,
 * JSON output and the spec after each mutation) against `sdd`, in-process, on fresh copies
 * of the same inputs, and reports every difference found.
 *
 * Comparison, per case:
 * - the exit code;
 * - when the old tool printed a JSON object: every one of its top-level fields is present in
 *   `sdd`'s `--json` document with an equal value (compared recursively; a difference is
 *   reported at the deepest differing path);
 * - when it printed a bare array: the case is replayed with `--compat` (the documented way
 *   to get the old shape) and the arrays are compared element by element, field by field;
 * - for mutations: the spec file afterwards and the folder it is in.
 * Run-produced timestamps become `<TS>` and computed hours `<HOURS>` on both sides, as the
 * recording did (SUMMARY.md of the oracle).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../../src/cli.js";

// Not from ../helpers.js, which needs vitest: the replay also runs as a plain script.
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CORPUS_SPECS = resolve(REPO_ROOT, "..", "shared", "corpus", "airis-sample", "meta", "sdd", "specs");
export const ORACLE = resolve(REPO_ROOT, "..", "shared", "reference", "toolkit-oracle");

export interface OracleCase {
  case: string;
  argv: string[];
  mode: "quiet" | "verbose";
  exit_code: number;
  stdout_json: unknown;
  stdout_text: string;
  stderr: string;
  spec_after: Record<string, unknown> | null;
  spec_folder_after: string | null;
}

export type MismatchKind = "exit" | "no-json" | "field" | "spec" | "folder";

export interface Mismatch {
  kind: MismatchKind;
  /** JSON pointer into the output (field) or the spec (spec); empty otherwise. */
  path: string;
  old: unknown;
  new: unknown;
}

export interface CaseResult {
  case: OracleCase;
  command: string;
  mismatches: Mismatch[];
  /** What `sdd` printed on stdout / stderr (normalised), for diagnosing a mismatch. */
  stdout: string;
  stderr: string;
}

/**
 * The run-time clock: a day no input mentions, one minute later for each step of a group, so
 * durations (actual_hours) are positive as in the recording; any occurrence is run-produced.
 */
const nowAt = (step: number): string =>
  `2031-03-03T${String(3 + Math.floor(step / 60)).padStart(2, "0")}:${String(step % 60).padStart(2, "0")}:03.000Z`;
const RUN_TS = /2031-03-03(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?)?|20310303\d{6}/g;
const ANY_TS = /^(?:\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?)?|\d{14})$/;

export function loadCases(): OracleCase[] {
  return readFileSync(join(ORACLE, "cases.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as OracleCase);
}

export function commandOf(c: OracleCase): string {
  return c.argv.find((a) => !a.startsWith("-")) as string;
}

export function isMutationCase(c: OracleCase): boolean {
  return c.case.startsWith("mut/") || c.case.startsWith("mut-single/");
}

/** A work dir holding `specs/` = the corpus specs, the synthetic specs and an empty archived/. */
function freshWork(): { work: string; specs: string } {
  const work = realpathSync(mkdtempSync(join(tmpdir(), "sdd-oracle-")));
  const specs = join(work, "specs");
  cpSync(CORPUS_SPECS, specs, { recursive: true });
  cpSync(join(ORACLE, "synthetic"), specs, { recursive: true });
  mkdirSync(join(specs, "archived"), { recursive: true });
  return { work, specs };
}

function findSpecFile(specs: string, id: string): { file: string; folder: string } | null {
  for (const folder of ["pending", "active", "completed", "archived"]) {
    const file = join(specs, folder, `${id}.json`);
    if (existsSync(file)) return { file, folder };
  }
  return null;
}

function mapStrings(v: unknown, f: (s: string, key: string | undefined) => unknown, key?: string): unknown {
  if (typeof v === "string") return f(v, key);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f, key));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, f, k);
    return out;
  }
  return v;
}

/** Every number under an `actual_hours` key (also inside a {before, after} diff of it). */
function maskHours(v: unknown, under = false): unknown {
  if (typeof v === "number" && under) return "<HOURS>";
  if (Array.isArray(v)) return v.map((x) => maskHours(x, under));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = maskHours(x, under || k === "actual_hours");
    return out;
  }
  return v;
}

/** stdout JSON: paths, run-produced timestamps; hours in mutation cases. */
function normaliseOutput(v: unknown, work: string, specs: string, mutation: boolean): unknown {
  const out = mapStrings(v, (s) => s.split(specs).join("$SPECS").split(work).join("$WORK").replace(RUN_TS, "<TS>"));
  return mutation ? maskHours(out) : out;
}

/** spec_after: every timestamp-like value, and hours that the run touched, as the recording. */
function normaliseSpec(spec: Record<string, any>, pristine: Record<string, any> | undefined): Record<string, unknown> {
  const h = (spec.hierarchy ?? {}) as Record<string, any>;
  const ph = (pristine?.hierarchy ?? {}) as Record<string, any>;
  let masked = false;
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string, any>;
  for (const [id, node] of Object.entries(h)) {
    const m = node?.metadata;
    if (m === undefined || m === null || !("actual_hours" in m)) continue;
    const pm = ph[id]?.metadata ?? {};
    if (m.actual_hours !== pm.actual_hours || m.started_at !== pm.started_at || m.completed_at !== pm.completed_at) {
      copy.hierarchy[id].metadata.actual_hours = "<HOURS>";
      masked = true;
    }
  }
  if (copy.metadata !== undefined && "actual_hours" in copy.metadata) {
    if (masked || copy.metadata.actual_hours !== pristine?.metadata?.actual_hours) copy.metadata.actual_hours = "<HOURS>";
  }
  return mapStrings(copy, (s) => (ANY_TS.test(s) ? "<TS>" : s.replace(RUN_TS, "<TS>"))) as Record<string, unknown>;
}

function short(v: unknown): unknown {
  const s = JSON.stringify(v);
  return s !== undefined && s.length > 200 ? s.slice(0, 200) + "…" : v;
}

/** Differences of `b` from `a`, recursively; `subset`: keys only in `b` are fine. */
export function diff(a: unknown, b: unknown, path: string, subset: boolean, out: Mismatch[], kind: "field" | "spec"): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push({ kind, path: `${path}/length`, old: a.length, new: b.length });
      return;
    }
    a.forEach((x, i) => diff(x, b[i], `${path}/${i}`, subset, out, kind));
    return;
  }
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    for (const k of Object.keys(a)) {
      const p = `${path}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (!(k in b)) out.push({ kind, path: p, old: short(a[k]), new: "(missing)" });
      else diff(a[k], b[k], p, subset, out, kind);
    }
    if (!subset)
      for (const k of Object.keys(b)) if (!(k in a)) out.push({ kind, path: `${path}/${k}`, old: "(missing)", new: short(b[k]) });
    return;
  }
  out.push({ kind, path: path === "" ? "/" : path, old: short(a), new: short(b) });
}

async function runSdd(argv: string[], work: string, step: number): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    cwd: work,
    env: { NO_COLOR: "1", CI: "true", SDD_NOW: nowAt(step), SDD_AUTHOR: "claude-code", HOME: work, PATH: process.env.PATH },
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdoutIsTTY: false,
    stdinIsTTY: false,
  });
  return { code, stdout, stderr };
}

async function replayOne(
  c: OracleCase,
  work: string,
  specs: string,
  pristine: Map<string, Record<string, any>>,
  step: number,
): Promise<CaseResult> {
  const mutation = isMutationCase(c);
  const array = Array.isArray(c.stdout_json);
  const argv = c.argv.map((a) => a.split("$SPECS").join(specs));
  if (array) argv.push("--compat");
  const r = await runSdd(argv, work, step);
  const mismatches: Mismatch[] = [];
  if (r.code !== c.exit_code) mismatches.push({ kind: "exit", path: "", old: c.exit_code, new: r.code });
  if (c.stdout_json !== null && c.argv.includes("--json")) {
    let parsed: unknown;
    try {
      parsed = normaliseOutput(JSON.parse(r.stdout), work, specs, mutation);
    } catch {
      mismatches.push({ kind: "no-json", path: "", old: "JSON", new: short(r.stdout) });
    }
    if (parsed !== undefined) diff(c.stdout_json, parsed, "", true, mismatches, "field");
  }
  if (c.spec_after !== null || (mutation && c.spec_folder_after !== null)) {
    const id = c.argv[c.argv.indexOf(commandOf(c)) + 1] as string;
    const found = findSpecFile(specs, id);
    if (found === null) mismatches.push({ kind: "folder", path: "", old: c.spec_folder_after, new: null });
    else {
      if (found.folder !== c.spec_folder_after) mismatches.push({ kind: "folder", path: "", old: c.spec_folder_after, new: found.folder });
      if (c.spec_after !== null) {
        const after = normaliseSpec(JSON.parse(readFileSync(found.file, "utf8")) as Record<string, any>, pristine.get(id));
        diff(c.spec_after, after, "", false, mismatches, "spec");
      }
    }
  }
  return {
    case: c,
    command: commandOf(c),
    mismatches,
    stdout: String(normaliseOutput(r.stdout, work, specs, false)),
    stderr: String(normaliseOutput(r.stderr, work, specs, false)),
  };
}

function pristineSpecs(specs: string): Map<string, Record<string, any>> {
  const m = new Map<string, Record<string, any>>();
  for (const folder of readdirSync(specs)) {
    const dir = join(specs, folder);
    if (folder.startsWith(".") || !existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".json")))
      m.set(f.replace(/\.json$/, ""), JSON.parse(readFileSync(join(dir, f), "utf8")) as Record<string, any>);
  }
  return m;
}

/**
 * Every case, grouped so inputs are copied as rarely as possible: read cases share one copy
 * (they never write), each mutation sequence gets one copy per mode (its steps run in
 * order), each single mutation its own copy. Groups run a few at a time.
 */
export async function replayAll(cases: OracleCase[] = loadCases(), parallel = 4): Promise<CaseResult[]> {
  const groups: OracleCase[][] = [];
  const reads: OracleCase[] = [];
  const sequences = new Map<string, OracleCase[]>();
  for (const c of cases) {
    if (c.case.startsWith("mut/")) {
      const key = `${c.case.split("/")[1] as string}|${c.mode}`;
      sequences.set(key, [...(sequences.get(key) ?? []), c]);
    } else if (c.case.startsWith("mut-single/")) groups.push([c]);
    else reads.push(c);
  }
  for (const seq of sequences.values()) groups.push(seq.sort((a, b) => a.case.localeCompare(b.case)));
  groups.push(reads);
  const results: CaseResult[] = [];
  const queue = [...groups];
  const worker = async (): Promise<void> => {
    for (let g = queue.shift(); g !== undefined; g = queue.shift()) {
      const { work, specs } = freshWork();
      try {
        const pristine = pristineSpecs(specs);
        let step = 1;
        for (const c of g) results.push(await replayOne(c, work, specs, pristine, step++));
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const order = new Map(cases.map((c, i) => [c, i]));
  return results.sort((a, b) => (order.get(a.case) as number) - (order.get(b.case) as number));
}
