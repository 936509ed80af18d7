/** The JSON Schema documents shipped in schemas/ (CONTRACT 2.2). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NotFoundError } from "./errors.js";

export const SCHEMA_FILES = ["spec", "journal-entry", "work-item", "config", "report"] as const;

export function schemaPath(name: string): string {
  return fileURLToPath(new URL(`../../schemas/${name}.schema.json`, import.meta.url));
}

export function readSchema(name: string): unknown {
  if (!(SCHEMA_FILES as readonly string[]).includes(name)) {
    throw new NotFoundError("schema-not-found", `no schema named ${JSON.stringify(name)}; available: ${SCHEMA_FILES.join(", ")}`, {
      fix: "sdd schema spec",
    });
  }
  return JSON.parse(readFileSync(schemaPath(name), "utf8")) as unknown;
}
