import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../diagnostics/warnings.js";
import { startServer, type RunningServer } from "../serve/server.js";

export interface ServeCommandOptions {
  port: number;
  host: string;
  indexMaxAge: number;
  quiet?: boolean;
}

/** Starts the server and prints how to install from it; runs until interrupted. */
export async function serveSite(dir: string, opts: ServeCommandOptions): Promise<RunningServer> {
  if (!existsSync(join(dir, "simple", "index.html"))) {
    throw new UserError(`${dir} is not a built site (no simple/index.html); run \`github-pypi build --out ${dir} ...\` first`);
  }
  let server: RunningServer;
  try {
    server = await startServer({
      root: dir,
      host: opts.host,
      port: opts.port,
      indexMaxAgeSeconds: opts.indexMaxAge,
      ...(opts.quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UserError(`port ${opts.port} on ${opts.host} is already in use; pick another with --port`);
    throw e;
  }
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return server;
}

export async function runServe(dir: string, opts: ServeCommandOptions): Promise<void> {
  const server = await serveSite(dir, opts);
  process.stdout.write(`Serving ${dir} at ${server.url}/ (Ctrl+C to stop)\n`);
  process.stdout.write(`  pip install --index-url ${server.url}/simple/ <project>\n`);
}
