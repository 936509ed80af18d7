#!/usr/bin/env node
"use strict";
// CommonJS (bin/package.json), so a run never starts Node's ES module loader unless it
// imports a package that needs it. It runs dist/sdd.cjs, the whole program in one file
// (scripts/build.mjs), compiled through vm.Script with V8's code cache: bytecode kept from
// an earlier run, so the start-up path is not parsed and compiled again at every run.
//
// The cache sits beside the program, one file per V8 version, architecture and set of node
// options (V8 rejects a cache made under others; the program then compiles as usual). The
// build makes it; a run that finds none, or one V8 rejects, writes a new one as it exits:
// a temp file renamed over it, so a reader sees a whole cache or none, and a directory it
// may not write (a shared install) only means no cache.
//
// V8 checks only a cache's header: damaged bytes inside it crash the process, run after
// run. So the file ends with a checksum of the rest, checked before V8 sees it; a cache that
// fails the check is treated as missing and written anew.
//
// SDD_NO_CODE_CACHE=1 runs without the cache and SDD_BENCH_ESM=1 runs the ES modules
// (dist/main.js) instead: `npm run bench` measures what each saves.
const { accessSync, constants, readFileSync, renameSync, unlinkSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { join } = require("node:path");

const dist = join(__dirname, "..", "dist");
const bundle = join(dist, "sdd.cjs");

/**
 * V8 flags (node's options, NODE_OPTIONS) change what V8 accepts as a cache: a run with
 * other flags keeps its own cache rather than rewriting the common one at every run.
 */
function flagsTag() {
  const flags = `${process.execArgv.join(" ")}\0${process.env.NODE_OPTIONS ?? ""}`;
  if (flags === "\0") return "";
  let h = 0x811c9dc5;
  for (let i = 0; i < flags.length; i++) h = Math.imul(h ^ flags.charCodeAt(i), 0x01000193);
  return `-${(h >>> 0).toString(16)}`;
}

/** A directory this process may write into (else making a cache at every run is for nothing). */
function writable(dir) {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const TRAILER = 8;
const MAGIC = 0x53444443; // "SDDC"

/** A 32-bit checksum of bytes [0, end): FNV-1a over 32-bit words, then the tail bytes. */
function checksum(buf, end) {
  const words = new Int32Array(buf.buffer, buf.byteOffset, Math.floor(end / 4));
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  for (let i = words.length * 4; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

/** The cached data of a cache file, or undefined when it is not one this code wrote whole. */
function readCache(file) {
  let buf;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  // Int32Array needs an aligned offset: small files come from Node's shared pool.
  if (buf.byteOffset % 4 !== 0) buf = Buffer.from(buf);
  if (buf.length <= TRAILER) return undefined;
  const end = buf.length - TRAILER;
  if (buf.readUInt32LE(end) !== MAGIC || buf.readUInt32LE(end + 4) !== checksum(buf, end)) return undefined;
  return buf.subarray(0, end);
}

function withTrailer(data) {
  const out = Buffer.alloc(data.length + TRAILER);
  data.copy(out);
  out.writeUInt32LE(MAGIC, data.length);
  out.writeUInt32LE(checksum(out, data.length), data.length + 4);
  return out;
}

function runBundle(source) {
  const vm = require("node:vm");
  const useCache = process.env.SDD_NO_CODE_CACHE !== "1";
  const cacheFile = join(dist, `sdd-${process.versions.v8}-${process.arch}${flagsTag()}.cache`);
  const cachedData = useCache ? readCache(cacheFile) : undefined;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __sddImport) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  if (useCache && (cachedData === undefined || script.cachedDataRejected === true) && writable(dist)) {
    // At exit the functions this run compiled are in the cache too.
    process.once("exit", () => {
      const temp = `${cacheFile}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
      try {
        writeFileSync(temp, withTrailer(script.createCachedData()));
        renameSync(temp, cacheFile);
      } catch {
        try {
          unlinkSync(temp);
        } catch {
          // Nothing was written.
        }
      }
    });
  }
  const module = { exports: {} };
  // The bundle's import() of a package (scripts/build.mjs): this module's import(), which
  // resolves it from the package's node_modules, as from dist/.
  const importPackage = (specifier) => import(specifier);
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dist, importPackage);
}

let source;
if (process.env.SDD_BENCH_ESM !== "1") {
  try {
    // ASCII (scripts/build.mjs checks): latin1 is the same text, read without decoding.
    source = readFileSync(bundle, "latin1");
  } catch {
    // A dist/ built before the bundle existed: its ES modules run as they are.
    source = undefined;
  }
}
if (source === undefined) import("../dist/main.js");
else runBundle(source);
