import { fileURLToPath } from "node:url";
import { loadProjectFile } from "../config/project-file.js";
import { UserError, Warnings } from "../diagnostics/warnings.js";
import { DEFAULT_HOST, DEFAULT_INDEX_MAX_AGE_SECONDS } from "../config/defaults.js";
import { buildAndWrite } from "../publish/build-and-write.js";
import { defaultAccessMapPath, writeAccessMap } from "../serving/access/access-map-file.js";
import type { AccessMap } from "../serving/access/access-map.js";
import { startGitHubStandIn } from "../demo/github-stand-in.js";
import { DEMO_GATE_REPOSITORY, demoPeople, type DemoPerson, guardDemoProjects, guardsOf, visibleTo } from "../demo/private-demo.js";
import { runBuild } from "./build-command.js";
import { plural } from "../diagnostics/plural.js";
import { interruptible } from "./interrupt.js";
import { printWarning } from "./report.js";
import { describeUpstream, serveSite, type ServeCommandOptions } from "./serve-command.js";

// From the package root, so the path holds for the sources (generator/cli/) and the built command (dist/cli/) alike.
const demoDir = fileURLToPath(new URL("../../generator/demo/", import.meta.url));

export interface DemoCommandOptions {
  port: number;
  out: string;
  /** As `serve --upstream URL` / `--no-upstream`: the demo's settings name PyPI. */
  upstream?: string | boolean;
  /** Build it as a private index and serve it behind the GitHub gate, against a local stand-in for GitHub. */
  private?: boolean;
}

type Served = Awaited<ReturnType<typeof serveSite>>;

/** The demo should just work: if the port is taken, any free one will do. */
async function serveDemo(out: string, opts: DemoCommandOptions, extra: Partial<ServeCommandOptions> = {}): Promise<Served> {
  const serve = { host: DEFAULT_HOST, indexMaxAge: DEFAULT_INDEX_MAX_AGE_SECONDS, ...extra, ...(opts.upstream !== undefined ? { upstream: opts.upstream } : {}) };
  try {
    return await serveSite(out, { ...serve, port: opts.port });
  } catch (e) {
    if (!(e instanceof UserError) || !/in use/.test(e.message)) throw e;
    const server = await serveSite(out, { ...serve, port: 0 });
    // Said, so that a reader who typed :8000 from the README knows why the URL below differs.
    process.stderr.write(`notice: port ${opts.port} on ${serve.host} is in use, so the demo took port ${new URL(server.url).port}\n`);
    return server;
  }
}

/** The newcomer's first command: build the bundled example index, serve it, say how to install. */
export async function runDemo(opts: DemoCommandOptions): Promise<void> {
  if (opts.private) return runPrivateDemo(opts);
  await runBuild({ out: opts.out, from: [`${demoDir}dists`], config: `${demoDir}index-config.yaml` });
  const server = await serveDemo(opts.out, opts);
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

/**
 * `demo --private`: the same index built as a private one, served behind the GitHub gate (as
 * `serve --auth github`), which asks a stand-in for GitHub started here, on 127.0.0.1, that knows
 * two people. Nothing reaches github.com; Ctrl+C stops the index and the stand-in together.
 */
async function runPrivateDemo(opts: DemoCommandOptions): Promise<void> {
  const settings = await loadProjectFile(`${demoDir}index-config.yaml`);
  const warnings = new Warnings(printWarning);
  const { built, map } = await interruptible(async (signal) => {
    const built = await buildAndWrite({ build: { from: [`${demoDir}dists`], config: settings.index, private: true, warnings }, out: opts.out, signal });
    const map = guardDemoProjects(built.accessMap);
    await writeAccessMap(defaultAccessMapPath(opts.out), map, built.lists);
    return { built, map };
  });
  process.stdout.write(
    `Built ${plural(built.index.projects.length, "project")}, ${plural(built.files, "file")} into ${opts.out} as a private index (its access map: ${defaultAccessMapPath(opts.out)}).\n`,
  );

  const people = demoPeople();
  const standIn = await startGitHubStandIn(people);
  let server: Served;
  try {
    server = await serveDemo(opts.out, opts, { auth: "github", gateRepository: DEMO_GATE_REPOSITORY, githubApiUrl: standIn.url });
  } catch (e) {
    await standIn.close();
    throw e;
  }
  const stop = (): void => void standIn.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  process.stdout.write(privateDemoText(server, standIn.url, map, people).join("\n"));
}

/** What the private demo prints: who may read what, and for each person the pip lines and what they should see. */
function privateDemoText(server: Served, standInUrl: string, map: AccessMap, people: DemoPerson[]): string[] {
  const projects = Object.keys(map.projects).sort();
  const width = Math.max(...projects.map((p) => p.length));
  const indexAs = (p: DemoPerson): string => `${server.url.replace("://", `://token:${p.token}@`)}/simple/`;
  const venv = (p: DemoPerson): string => `/tmp/demo-${p.login}`;
  const lines = [
    "",
    `Private demo index at ${server.url}/  (the simple API is at ${server.url}/simple/): every request needs a GitHub token.`,
    `The gate asks ${standInUrl}, a local stand-in for GitHub, not github.com. Each project is guarded by a repository there:`,
    "",
    ...projects.map((p) => {
      const guards = guardsOf(map, p);
      return `  ${p.padEnd(width)}  ${guards.join(", ")}${guards.includes(DEMO_GATE_REPOSITORY) ? " (the gate repository: it also guards the root pages)" : ""}`;
    }),
    "",
    "(A real build takes each project's repository from GitHub, where its release is; the demo's files come from a folder, so the demo names them.)",
    "",
    `Without a token every page is 401:  curl -i ${server.url}/simple/`,
    "",
  ];
  for (const p of people) {
    const sees = visibleTo(map, p);
    const hidden = projects.filter((name) => !sees.includes(name));
    const missing = hidden[0];
    lines.push(
      `${p.login} may read ${p.reads.join(", ")}, so ${p.login}'s lists show ${sees.join(", ")}${hidden.length ? `; ${hidden.join(", ")} is 404, as a project that does not exist` : ""}.`,
      `  Token: ${p.token}  (the list in a browser: ${server.url}/ with any user name and the token as the password)`,
      "",
      `  python3 -m venv ${venv(p)} && ${venv(p)}/bin/pip install --index-url ${indexAs(p)} ${p.installs}`,
      ...(missing ? [`  ${venv(p)}/bin/pip install --index-url ${indexAs(p)} ${missing}    # ERROR: No matching distribution found for ${missing}`] : []),
      "",
    );
  }
  if (server.upstream) {
    const reader = people[0] as DemoPerson;
    lines.push(
      describeUpstream(server.upstream),
      `One URL: to anyone who may read ${DEMO_GATE_REPOSITORY}, demo-sdist-only's build gets setuptools from ${server.upstream.url} through the index:`,
      "",
      `  ${venv(reader)}/bin/pip install --index-url ${indexAs(reader)} demo-sdist-only`,
      "",
    );
  }
  lines.push("The log below shows each request, who sent it and the answer.", "Press Ctrl+C to stop.", "");
  return lines;
}
