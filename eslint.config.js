import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "src/generated/", "node_modules/", "coverage/", "bin/", "scripts/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ["./tsconfig.json", "./test/tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@inquirer/*"], message: "Import inquirer only dynamically, from src/ui/prompts.ts." }] },
      ],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      // Tests poke at parsed JSON and hand-built specs, which are untyped by nature.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  // Layers. Pure code (JSON text, schemas, the spec model and rules, mutation planners) never
  // touches the disk or spawns processes, so it is tested without temp dirs and reused by every
  // front end; only src/core/store/ reads or writes the specs folder.
  {
    files: ["src/core/{json,schema,spec,mutations}/**/*.ts", "src/core/{errors,findings,clock,paths,pointer}.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "node:fs", message: "Pure layer: no disk access (move this to src/core/store/)." },
            { name: "node:fs/promises", message: "Pure layer: no disk access (move this to src/core/store/)." },
            { name: "fs", message: "Pure layer: no disk access." },
            { name: "node:child_process", message: "Pure layer: no processes." },
          ],
          patterns: [
            {
              group: [
                "**/store/*",
                "**/validate/*",
                "**/journaling/*",
                "**/worklog/*",
                "**/ci/*",
                "**/merge/*",
                "**/init/*",
                "**/claims/*",
                "**/commands/*",
                "**/ui/*",
              ],
              message:
                "Pure layer: import only other pure modules (json, schema, spec, mutations, errors, findings, clock, paths, pointer).",
            },
            { group: ["@inquirer/*"], message: "Import inquirer only dynamically, from src/ui/prompts.ts." },
          ],
        },
      ],
    },
  },
  {
    // Only the entry module talks to the process: everything else returns data or throws.
    files: ["src/**/*.ts"],
    ignores: ["src/main.ts", "src/cli.ts"],
    rules: {
      "no-console": "error",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only src/main.ts exits; throw a typed error." },
      ],
    },
  },
);
