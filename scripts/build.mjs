// Build: compile the JSON Schemas to standalone ajv validators (so no schema is compiled at
// run time), then bundle the TypeScript into dist/ with esbuild. The bundle keeps lazy
// loading: every dynamic import() becomes its own chunk, loaded only when it runs. Type
// checking is `npm run typecheck` (tsc --noEmit); esbuild only strips the types.
import { lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
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

// Loaded from node_modules at run time: large and rarely used (prompts, locks, patches).
const EXTERNAL = ["@inquirer/prompts", "proper-lockfile", "fast-json-patch", "ajv", "ajv/*"];

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

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: "src/main.ts" },
  outdir: join(root, "dist"),
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  plugins: [groupChunks],
  legalComments: "none",
  logLevel: "warning",
  write: false,
});

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
