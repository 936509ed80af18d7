// `prepare`: build dist/ after `npm ci` / `npm install` in a clone, so `node bin/sdd.js`
// works straight away. The published package ships dist/ (built by `prepack`), so there is
// nothing to do where the build tools are not installed (`npm install --omit=dev`), and
// nothing to do twice when `npm pack` / `npm publish` run this after `prepack`.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const packing = ["pack", "publish"].includes(process.env.npm_command ?? "");
let haveBuildTools = true;
try {
  require.resolve("esbuild");
  require.resolve("ajv");
} catch {
  haveBuildTools = false;
}
if (packing) process.exit(0);
if (!haveBuildTools) {
  console.error("sdd: build tools not installed (--omit=dev); dist/ is not rebuilt");
  process.exit(0);
}
await import("./build.mjs");
