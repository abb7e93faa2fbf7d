import { UserError } from "../diagnostics/warnings.js";
import { buildProgram } from "./program.js";

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  if (e instanceof UserError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`error: unexpected failure: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  }
}
