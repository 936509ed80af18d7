// Build: compile the JSON Schemas to standalone ajv validators (so no schema is compiled at
// run time), then bundle the TypeScript into dist/ with esbuild, twice:
// - dist/main.js, dist/worker.js and dist/chunks/: ES modules that keep lazy loading (every
//   dynamic import() becomes its own chunk, loaded only when it runs). Worker threads run
//   these.
// - dist/sdd.cjs: the whole program as one CommonJS file, which bin/sdd.js runs with V8's
//   code cache (dist/sdd-<V8 version>-<arch>.cache, made here by one training run).
// Type checking is `npm run typecheck` (tsc --noEmit); esbuild only strips the types.
import { spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const Ajv = require("ajv").default;
const standaloneCode = require("ajv/dist/standalone").default;
const esbuild = require("esbuild");

const schemaDir = join(root, "schemas");
const schemas = readdirSync(schemaDir)
  .filter((f) => f.endsWith(".schema.json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(schemaDir, f), "utf8")));

const ajv = new Ajv({ allErrors: true, code: { source: true, esm: true } });
for (const s of schemas) ajv.addSchema(s);

const exportName = (id) => "validate" + id.split(":")[3].replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase());
const exports = Object.fromEntries(schemas.map((s) => [exportName(s.$id), s.$id]));
// ajv's output require()s its small runtime helpers. The one these schemas use, ucs2length
// (for minLength), is a self-contained function: it is inlined, which spares every run
// loading ajv's package through the CommonJS loader (about a millisecond).
const ucs2length = require("ajv/dist/runtime/ucs2length").default;
let code = standaloneCode(ajv, exports).replaceAll(`require("ajv/dist/runtime/ucs2length").default`, `(${ucs2length.toString()})`);
// Any other helper a schema may come to need is still require()d: give the module a require.
if (code.includes("require(")) {
  code = `import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n` + code;
}

const dts =
  `import type { ErrorObject } from "ajv";\n` +
  `export interface CompiledValidator {\n  (data: unknown): boolean;\n  errors?: ErrorObject[] | null;\n}\n` +
  Object.keys(exports)
    .map((name) => `export declare const ${name}: CompiledValidator;\n`)
    .join("");

const generated = join(root, "src", "generated");
mkdirSync(generated, { recursive: true });
writeFileSync(join(generated, "validators.js"), code);
writeFileSync(join(generated, "validators.d.ts"), dts);

// Groups of modules bundled as one chunk each. With code splitting esbuild makes a chunk of
// every set of modules that the same entry points reach, which cut the paths a run takes
// into a dozen small files, and loading a module costs about as much as parsing 20 kB of
// it. Every import of a group's module from outside the group is resolved to a module
// re-exporting the whole group (the same module instances), so every entry point that
// reaches one module of a group reaches all of it. A run that needs part of a group loads
// the rest too.
const GROUPS = {
  // What every command loads: the command-line shell (commander and the shared output).
  shell: [
    "commander",
    "./src/commands/_shared.ts",
    "./src/ui/style.ts",
    "./src/ui/envelope.ts",
    "./src/ui/findings-format.ts",
    "./src/ui/prompts.ts",
    "./src/version.ts",
    "./src/core/store/atomic.ts",
  ],
  // Reading and checking a spec: every module validate/run.ts and spec/check.ts reach statically
  // (a validate worker loads only this chunk and the shell's), computed below.
  kernel: [],
};

// Loaded from node_modules at run time: large and rarely used (prompts, locks, patches, the
// MCP SDK that only `sdd mcp` loads).
// These are exactly the package's runtime `dependencies` (checked after the build);
// everything else, commander and any ajv runtime helper included, is bundled.
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const RUNTIME = Object.keys(pkg.dependencies ?? {}).sort();
const EXTERNAL = RUNTIME;

/** The project modules an entry reaches through static imports. */
async function staticClosure(entries) {
  const r = await esbuild.build({
    absWorkingDir: root,
    entryPoints: entries,
    bundle: true,
    splitting: true,
    outdir: join(root, "dist"),
    format: "esm",
    platform: "node",
    external: ["commander", ...EXTERNAL],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const reached = new Set();
  for (const out of Object.values(r.metafile.outputs)) {
    if (out.entryPoint === undefined) continue;
    for (const input of Object.keys(out.inputs)) reached.add(input);
  }
  // Chunks shared by the entries hold what they reach in common.
  for (const out of Object.values(r.metafile.outputs))
    if (out.entryPoint === undefined) for (const input of Object.keys(out.inputs)) reached.add(input);
  return [...reached].filter((p) => !p.startsWith("node_modules/")).map((p) => "./" + p);
}
// What the shell reaches is loaded by every command anyway: it stays out of the kernel, so a
// command that needs only the shell never loads the kernel.
const shellReach = new Set(await staticClosure(GROUPS.shell.filter((s) => s.startsWith("./"))));
GROUPS.kernel = (await staticClosure(["./src/core/validate/run.ts", "./src/core/spec/check.ts"])).filter((p) => !shellReach.has(p)).sort();

const groupChunks = {
  name: "group-chunks",
  setup(build) {
    // File of each group member -> its group.
    const groupOf = new Map();
    build.onStart(async () => {
      for (const [group, specifiers] of Object.entries(GROUPS)) {
        for (const specifier of specifiers) {
          const r = await build.resolve(specifier, { resolveDir: root, kind: "import-statement", pluginData: "group-chunks" });
          if (r.errors.length > 0) throw new Error(`group ${group}: cannot resolve ${specifier}`);
          groupOf.set(r.path, group);
        }
      }
    });
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.namespace !== "file" || args.pluginData === "group-chunks" || args.kind === "entry-point") return undefined;
      const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: "group-chunks" });
      const group = resolved.errors.length === 0 ? groupOf.get(resolved.path) : undefined;
      if (group === undefined || groupOf.get(args.importer) === group) return undefined;
      return { path: group, namespace: "group-chunks" };
    });
    build.onLoad({ filter: /.*/, namespace: "group-chunks" }, (args) => ({
      contents: [...groupOf]
        .filter(([, group]) => group === args.path)
        .map(([file]) => `export * from ${JSON.stringify(file)};`)
        .join("\n"),
      resolveDir: root,
      loader: "js",
    }));
  },
};

// Bundled CommonJS (commander) calls require() through esbuild's shim, which needs a
// require in the shim's module. It asks only for Node's built-in modules, which Node >= 20.16
// hands out without making a require (making one costs over half a millisecond of every
// run); anything else, or an older Node, gets a real require, made on first use. The other
// modules are left without it.
const BANNER =
  `import { createRequire as __cr } from "node:module"; let __r; ` +
  `const require = (id) => process.getBuiltinModule?.(id) ?? (__r ??= __cr(import.meta.url))(id);\n`;
const usesRequire = (code) => /(?<![\w$.])require(?![\w$])/.test(code);

// commander requires node:child_process at load, only to run a subcommand's executable,
// which sdd has none of; that module pulls in net, dgram, streams and more, a few
// milliseconds of every start. It is required on first use instead.
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(build) {
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (text.split(COMMANDER_CHILD_PROCESS).length !== 2)
        throw new Error(`${args.path}: the require of node:child_process is not where expected`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(COMMANDER_CHILD_PROCESS, lazy), loader: "js" };
    });
  },
};

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: "src/main.ts", worker: "src/worker.ts" },
  outdir: join(root, "dist"),
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  metafile: true,
  plugins: [groupChunks, lazyChildProcess],
  legalComments: "none",
  logLevel: "warning",
  write: false,
});

// The bundle's run-time imports of packages must be exactly the runtime dependencies: a
// dependency nothing imports is installed by every user for nothing, and an import that is
// not a dependency fails for a user who installed without devDependencies.
const imported = new Set();
for (const out of Object.values(result.metafile.outputs)) {
  for (const imp of out.imports) {
    if (!imp.external || imp.path.startsWith("node:")) continue;
    const name = imp.path.startsWith("@") ? imp.path.split("/").slice(0, 2).join("/") : imp.path.split("/")[0];
    imported.add(name);
  }
}
const unused = RUNTIME.filter((d) => !imported.has(d));
const undeclared = [...imported].filter((d) => !RUNTIME.includes(d));
if (unused.length > 0 || undeclared.length > 0) {
  throw new Error(
    `package.json dependencies do not match what dist/ imports at run time: ` +
      `${unused.length > 0 ? `never imported: ${unused.join(", ")}; ` : ""}` +
      `${undeclared.length > 0 ? `imported but not a dependency: ${undeclared.join(", ")}` : ""}`,
  );
}

// dist/ holds only this build's output: chunk names carry content hashes, so the chunks of
// an earlier build (or an earlier tsc emit) would otherwise pile up in the package.
const dist = join(root, "dist");
let stat;
try {
  stat = lstatSync(dist);
} catch {
  stat = undefined;
}
if (stat !== undefined) {
  if (!stat.isDirectory()) throw new Error(`${dist} is not a directory (a symlink?); remove it by hand`);
  rmSync(dist, { recursive: true });
}
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, usesRequire(file.text) ? BANNER + file.text : file.text);
}

// ---------------------------------------------------------------------------------------
// dist/sdd.cjs: the program as one CommonJS file. Node 20 compiles an ES module from its
// source at every run and starts its ES module loader for it; a CommonJS file compiled
// through vm.Script can use V8's code cache instead (Node 20 has no module.enableCompileCache),
// and one file is one read. Modules reached only through import() are still evaluated only
// when a run imports them (esbuild wraps them in a lazy initialiser). Packages stay external
// (but one, below).
//
// A module's import.meta.url (a worker's entry, the schemas/ folder found from it) becomes
// the URL of the ES module file that holds the same module, so a worker thread started from
// this file runs the ES modules above, as it does from dist/main.js.
const esmFileOf = new Map();
for (const [out, info] of Object.entries(result.metafile.outputs)) {
  for (const input of Object.keys(info.inputs)) {
    if (!input.includes(":")) esmFileOf.set(join(root, input), relative(dist, join(root, out)).split("\\").join("/"));
  }
}
const esmUrls = {
  name: "esm-urls",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta")) return undefined;
      const file = esmFileOf.get(args.path);
      if (file === undefined) throw new Error(`${args.path} uses import.meta but is in no ES module output`);
      const contents = text.replaceAll("import.meta.url", `__sddEsmUrl(${JSON.stringify(file)})`);
      // Anything else of import.meta (dirname, resolve) would be undefined in CommonJS.
      if (contents.includes("import.meta")) throw new Error(`${args.path}: only import.meta.url works in dist/sdd.cjs`);
      return { contents, loader: "ts" };
    });
  },
};
const cjs = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ["src/main.ts"],
  outfile: join(dist, "sdd.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // fast-json-patch (CommonJS, small) is bundled too: a run that needs it (every write, and
  // validate for its list of repairs) then finds it compiled in the code cache instead of
  // resolving and compiling its files.
  external: EXTERNAL.filter((p) => p !== "fast-json-patch"),
  plugins: [esmUrls, lazyChildProcess],
  banner: {
    js: `const __sddEsmUrl = (file) => require("node:url").pathToFileURL(require("node:path").join(__dirname, file)).href;`,
  },
  legalComments: "none",
  logLevel: "warning",
  write: false,
});
// import() in code compiled by vm.Script needs an experimental option of Node 20 (which
// warns on stderr), and code from the cache loses it. So an import() of a package becomes
// __sddImport(), bin/sdd.js's own import(), which resolves it as from dist/main.js, when the
// run reaches it; one of a built-in module becomes a require().
for (const file of cjs.outputFiles) {
  // esbuild escapes every other character: the bundle is ASCII, which bin/sdd.js reads as latin1 (a plain copy).
  if (!/^[\x00-\x7f]*$/.test(file.text)) throw new Error("dist/sdd.cjs is not ASCII");
  const text = file.text.replace(/\bimport\(("[^"]+")\)/g, (_, spec) =>
    spec.startsWith('"node:') ? `Promise.resolve().then(() => require(${spec}))` : `__sddImport(${spec})`,
  );
  if (/\bimport\(/.test(text)) throw new Error("dist/sdd.cjs: an import() of a computed specifier is left");
  writeFileSync(file.path, text);
}

// The code cache is made by running the program once on a small spec that has what specs
// have (phases, tasks and subtasks, dependencies, completed work with its journal entries):
// bin/sdd.js writes the cache when it finds none, with the functions that run compiled (the
// start-up path, the validate command, the spec checks and the schema validators).
const training = mkdtempSync(join(tmpdir(), "sdd-build-"));
try {
  const spec = JSON.parse(readFileSync(join(root, "scripts", "code-cache-spec.json"), "utf8"));
  const id = spec.spec_id;
  mkdirSync(join(training, "specs", "active"), { recursive: true });
  writeFileSync(join(training, "specs", "active", `${id}.json`), JSON.stringify(spec, null, 2) + "\n");
  const env = { ...process.env, NO_COLOR: "1" };
  delete env.SDD_NO_CODE_CACHE;
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, [join(root, "bin", "sdd.js"), "validate", id], { cwd: training, env, encoding: "utf8" });
  const made = readdirSync(dist).some((f) => f.endsWith(".cache"));
  if (r.status !== 0 || !made) {
    throw new Error(
      `the training run of dist/sdd.cjs failed (exit ${r.status}, cache ${made ? "made" : "not made"}):\n${r.stdout}${r.stderr}`,
    );
  }
} finally {
  rmSync(training, { recursive: true, force: true });
}
