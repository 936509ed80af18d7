/** The work-item log library (docs/worklog.md): parse, import, render and lint. */
export * from "./parse.js";
export * from "./model.js";
export * from "./import.js";
export * from "./tests-field.js";
export * from "./render.js";
export * from "./lint.js";
