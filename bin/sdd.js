#!/usr/bin/env node
import * as nodeModule from "node:module";

// Node >= 22.1 can cache compiled code between runs; older Node has no such function.
nodeModule.enableCompileCache?.();
await import("../dist/main.js");
