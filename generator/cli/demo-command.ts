import { fileURLToPath } from "node:url";
import { UserError } from "../diagnostics/warnings.js";
import { runBuild } from "./build-command.js";
import { describeUpstream, serveSite } from "./serve-command.js";

// From the package root, so the path holds for the sources (generator/cli/) and the built command (dist/cli/) alike.
const demoDir = fileURLToPath(new URL("../../generator/demo/", import.meta.url));

export interface DemoCommandOptions {
  port: number;
  out: string;
  /** As `serve --upstream URL` / `--no-upstream`: the demo's settings name PyPI. */
  upstream?: string | boolean;
}

/** The newcomer's first command: build the bundled example index, serve it, say how to install. */
export async function runDemo(opts: DemoCommandOptions): Promise<void> {
  await runBuild({ out: opts.out, from: [`${demoDir}dists`], config: `${demoDir}index-config.yaml` });
  const serve = { host: "127.0.0.1", indexMaxAge: 300, ...(opts.upstream !== undefined ? { upstream: opts.upstream } : {}) };
  let server;
  try {
    server = await serveSite(opts.out, { ...serve, port: opts.port });
  } catch (e) {
    // The demo should just work: if the port is taken, any free one will do.
    if (!(e instanceof UserError) || !/in use/.test(e.message)) throw e;
    server = await serveSite(opts.out, { ...serve, port: 0 });
  }
  const upstreamLines = server.upstream
    ? [
        describeUpstream(server.upstream),
        `One URL for both: demo-sdist-only is a source distribution, and pip gets setuptools to build it from ${server.upstream.url} through the demo index:`,
        "",
        `  /tmp/demo-venv/bin/pip install --index-url ${server.url}/simple/ demo-sdist-only`,
        "",
      ]
    : [];
  process.stdout.write(
    [
      "",
      `Demo index at ${server.url}/  (landing page; the simple API is at ${server.url}/simple/)`,
      "Install from it in a fresh virtual environment:",
      "",
      `  python3 -m venv /tmp/demo-venv && /tmp/demo-venv/bin/pip install --index-url ${server.url}/simple/ demo-app`,
      "",
      "demo-app pulls in demo-core; demo-core 2.0.0 needs Python >= 3.99 and 1.0.0 is yanked, so pip picks 1.2.0.",
      ...upstreamLines,
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
}
