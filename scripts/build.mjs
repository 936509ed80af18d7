// Build: compile the JSON Schemas to standalone ajv validators (so no schema is compiled at
// run time), then compile the TypeScript to dist/.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const Ajv = require("ajv").default;
const standaloneCode = require("ajv/dist/standalone").default;

const schemaDir = join(root, "schemas");
const schemas = readdirSync(schemaDir)
  .filter((f) => f.endsWith(".schema.json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(schemaDir, f), "utf8")));

const ajv = new Ajv({ allErrors: true, code: { source: true, esm: true } });
for (const s of schemas) ajv.addSchema(s);

const exportName = (id) => "validate" + id.split(":")[3].replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase());
const exports = Object.fromEntries(schemas.map((s) => [exportName(s.$id), s.$id]));
let code = standaloneCode(ajv, exports);
// ajv's ESM output still require()s its small runtime helpers; give the module a require.
code = `import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n` + code;

const dts =
  `import type { ErrorObject } from "ajv";\n` +
  `export interface CompiledValidator {\n  (data: unknown): boolean;\n  errors?: ErrorObject[] | null;\n}\n` +
  Object.keys(exports)
    .map((name) => `export declare const ${name}: CompiledValidator;\n`)
    .join("");

const outDirs = [join(root, "src", "generated"), join(root, "dist", "generated")];

for (const dir of outDirs) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "validators.js"), code);
  writeFileSync(join(dir, "validators.d.ts"), dts);
}

execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { stdio: "inherit" });
copyFileSync(join(outDirs[0], "validators.js"), join(outDirs[1], "validators.js"));
