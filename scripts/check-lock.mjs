// Check package-lock.json the way `npm ci` will use it, without installing anything:
//  - every optional dependency of every locked package (the platform binaries of esbuild
//    and rollup above all) has its own entry: npm ci refuses a lock without them on any
//    platform, and npm has been known to write such locks;
//  - every dependency in package.json is locked;
//  - every locked package's `engines.node` accepts this Node, and the runtime dependencies
//    accept the oldest Node that package.json's `engines` allows.
// Prints each problem and exits 1; silent and 0 when the lock is complete.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const semver = require("semver");

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const packages = lock.packages ?? {};
const problems = [];

/** The lock entry node's resolution finds for `name` required from the package at `from` ("" is the root). */
function resolveEntry(from, name) {
  let dir = from;
  for (;;) {
    const key = (dir === "" ? "" : dir + "/") + "node_modules/" + name;
    if (packages[key] !== undefined) return key;
    if (dir === "") return undefined;
    const at = dir.lastIndexOf("/node_modules/");
    dir = at === -1 ? "" : dir.slice(0, at);
  }
}

if (lock.lockfileVersion === undefined || lock.lockfileVersion < 2)
  problems.push(`lockfileVersion ${lock.lockfileVersion}: npm 7 or newer writes 3`);
if (packages[""]?.name !== pkg.name || packages[""]?.version !== pkg.version) {
  problems.push(
    `the lock's root is ${packages[""]?.name}@${packages[""]?.version}, package.json says ${pkg.name}@${pkg.version}: run npm install`,
  );
}
for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
  for (const [name, range] of Object.entries(pkg[field] ?? {})) {
    const key = resolveEntry("", name);
    if (key === undefined) problems.push(`${name} (${field}) is not in the lock: run npm install`);
    else if (!semver.satisfies(packages[key].version, range)) {
      problems.push(`${name}: the lock holds ${packages[key].version}, package.json asks for ${range}: run npm install`);
    }
    if (JSON.stringify(packages[""]?.[field]?.[name]) !== JSON.stringify(range)) {
      problems.push(`${name}: the lock's root records ${packages[""]?.[field]?.[name]}, package.json ${range}: run npm install`);
    }
  }
}
for (const [key, entry] of Object.entries(packages)) {
  if (key === "" || entry.link === true) continue;
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (resolveEntry(key, name) === undefined) {
      problems.push(
        `${key}: its optional dependency ${name} has no entry (npm ci will refuse the lock); regenerate it: rm -rf node_modules package-lock.json && npm install`,
      );
    }
  }
  const engines = entry.engines?.node;
  if (typeof engines === "string" && !semver.satisfies(process.versions.node, engines)) {
    problems.push(`${key}@${entry.version}: engines.node ${engines} does not accept Node ${process.versions.node}`);
  }
}

// What a consumer installs: the runtime dependencies and everything they pull in.
const oldest = semver.minVersion(pkg.engines?.node ?? "*");
const seen = new Set();
const queue = Object.keys(pkg.dependencies ?? {}).map((name) => ["", name]);
while (queue.length > 0) {
  const [from, name] = queue.shift();
  const key = resolveEntry(from, name);
  if (key === undefined || seen.has(key)) continue;
  seen.add(key);
  const entry = packages[key];
  const engines = entry.engines?.node;
  if (typeof engines === "string" && oldest !== null && !semver.satisfies(oldest, engines)) {
    problems.push(
      `${key}@${entry.version} (installed for users): engines.node ${engines} does not accept Node ${oldest}, the oldest package.json's engines allows`,
    );
  }
  for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) queue.push([key, dep]);
}

for (const p of problems) console.error(`package-lock.json: ${p}`);
process.exit(problems.length === 0 ? 0 : 1);
