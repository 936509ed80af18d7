/** The JSON Schema documents shipped in schemas/. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InternalError, NotFoundError } from "../errors.js";

export const SCHEMA_FILES = ["spec", "journal-entry", "work-item", "config", "report"] as const;

let schemasDir: string | undefined;

/**
 * The package's schemas/ directory, found by walking up from this module: it runs from
 * src/core/ (tests, tsx) and from dist/ or a chunk below it (the bundle), at different depths.
 */
function findSchemasDir(): string {
  if (schemasDir !== undefined) return schemasDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "schemas");
    if (existsSync(join(candidate, "spec.schema.json"))) return (schemasDir = candidate);
    const up = dirname(dir);
    if (up === dir) throw new InternalError(`the schemas/ directory of sdd was not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function schemaPath(name: string): string {
  return join(findSchemasDir(), `${name}.schema.json`);
}

export function readSchema(name: string): unknown {
  if (!(SCHEMA_FILES as readonly string[]).includes(name)) {
    throw new NotFoundError("schema-not-found", `no schema named ${JSON.stringify(name)}; available: ${SCHEMA_FILES.join(", ")}`, {
      fix: "sdd schema spec",
    });
  }
  return JSON.parse(readFileSync(schemaPath(name), "utf8")) as unknown;
}
