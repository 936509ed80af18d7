/** SARIF 2.1.0, so findings show in code scanning. */
import type { Finding } from "../core/findings.js";
import { VERSION } from "../version.js";

export function toSarif(
  findings: readonly Finding[],
  ruleHelp: (code: string) => string | undefined = () => undefined,
): Record<string, unknown> {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const index = new Map(codes.map((c, i) => [c, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "sdd",
            version: VERSION,
            rules: codes.map((id) => ({ id, shortDescription: { text: ruleHelp(id) ?? id } })),
          },
        },
        results: findings.map((f) => {
          const region: Record<string, number> = {};
          if (f.line !== undefined) region.startLine = f.line;
          if (f.column !== undefined) region.startColumn = f.column;
          return {
            ruleId: f.code,
            ruleIndex: index.get(f.code) ?? 0,
            level: f.severity === "error" ? "error" : f.severity === "warning" ? "warning" : "note",
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.file.split("\\").join("/") },
                  ...(Object.keys(region).length > 0 ? { region } : {}),
                },
                ...(f.pointer === "" ? {} : { logicalLocations: [{ fullyQualifiedName: f.pointer, kind: "member" }] }),
              },
            ],
          };
        }),
      },
    ],
  };
}
