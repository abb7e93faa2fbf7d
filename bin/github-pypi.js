#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so the command works right after `npm ci`
// with no build step and no compiled copy that could go stale.
import { register } from "tsx/esm/api";

register();
await import("../generator/cli/main.ts");
