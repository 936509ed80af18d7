/** Every command, registered from one place. */
import type { Command } from "commander";
import type { CliContext } from "./_shared.js";
import * as schema from "./schema.js";
import * as validate from "./validate.js";

export type Register = (program: Command, ctx: CliContext) => void;

export const COMMANDS: Register[] = [validate.register, schema.register];
