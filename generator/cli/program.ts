import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import {
  DEFAULT_AUTH_CACHE,
  DEFAULT_CACHE_DIR,
  DEFAULT_DEMO_SITE_DIR,
  DEFAULT_FILES_MODE,
  DEFAULT_GITHUB_API_URL,
  DEFAULT_HOST,
  DEFAULT_INDEX_MAX_AGE_SECONDS,
  DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
  DEFAULT_PORT,
  FILES_MODES,
} from "../config/defaults.js";
import type { BuildCommandOptions } from "./build-command.js";
import type { ServeCommandOptions } from "./serve-command.js";
import type { DemoCommandOptions } from "./demo-command.js";

// Each command's modules load only when it runs, so `--help` and a typo answer at once.
const runBuild = async (opts: BuildCommandOptions): Promise<void> => (await import("./build-command.js")).runBuild(opts);
const runServe = async (dir: string, opts: ServeCommandOptions): Promise<void> => (await import("./serve-command.js")).runServe(dir, opts);
const runDemo = async (opts: DemoCommandOptions): Promise<void> => (await import("./demo-command.js")).runDemo(opts);

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("expected a port number from 0 to 65535");
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number of seconds");
  return n;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

// From the package root, two levels up from the sources (generator/cli/) and the built command (dist/cli/) alike.
const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

/**
 * The whole command line, built without parsing anything: main.ts parses argv with it, and
 * scripts/write-reference.ts writes docs/reference/cli.md from it.
 */
export function buildProgram(): Command {
  const program = new Command()
    .name("github-pypi")
    .description("Build a standards-complete static Python package index (PEP 503/691/658/700) and serve it.")
    .version(version, "-V, --version", "print the version and exit")
    .showHelpAfterError();

  program
    .command("build")
    .description("build a static index from a GitHub organisation, local distributions and package lists")
    .requiredOption("--out <dir>", "folder to write the site to (replaced atomically)")
    .option("--access-map <file>", "where to write the map of which repository guards each project, for `serve --auth github` (default: OUT.access.json, beside the site, never in it)")
    .option("--from <dir>", "folder of wheels and sdists to copy into the site (repeatable)", collect)
    .option("--package-list <file>", "dumb-pypi list of file names, one a line; - for stdin (repeatable)", collect)
    .option("--package-list-json <file>", "dumb-pypi JSON-lines list (repeatable)", collect)
    .option("--packages-url <url>", "where files named by a package list live (absolute, or relative to a project page)")
    .option("--config <file>", "settings file (YAML or JSON): title, yanked, packagesUrl, indexMaxAgeSeconds, status, upstream, namespaces, sources, files (the github-pypi:* stack keys); flags win")
    .option("--title <title>", "title of the human pages (overrides the config file)")
    .option("--allow-empty", "publish an index with no projects instead of failing")
    .option("--strict", "treat warnings as errors (nothing is written)")
    .option("--check-upstream", "list this index's names that the configured upstream also holds, with the upstream's highest version")
    .option("--replace-file <name>", "let this published file change its bytes (a file name otherwise keeps its bytes, as on PyPI); repeatable", collect)
    .option("--quiet", "print only warnings and errors")
    .option("--github-org <org>", "index this GitHub organisation's release assets and version tags")
    .option("--topic <topic>", "only repositories with one of these topics (repeatable)", collect)
    .option("--repo <owner/name>", "only these repositories; NAME may be a glob such as tools-* (repeatable)", collect)
    .option("--include-private", "also index private and internal repositories (never by default)")
    .option("--skip-archived", "leave archived repositories out (by default they are indexed, their projects marked archived, so pinned installs keep working)")
    // Archived repositories are indexed by default now; the old flag still parses, so scripts that pass it keep working.
    .addOption(new Option("--include-archived").hideHelp())
    .option("--no-tags", "do not turn version tags of repositories without release files into git links")
    .addOption(
      new Option("--files <mode>", `link: point at GitHub's download URLs; mirror: copy files into the site (default: the settings file's files, else ${DEFAULT_FILES_MODE})`).choices(FILES_MODES),
    )
    .option("--cache-dir <dir>", "where ETags, metadata and mirrored files are kept between runs", DEFAULT_CACHE_DIR)
    .addOption(new Option("--token <token>", "GitHub token (prefer the environment variable: a flag shows in the process list)").env("GITHUB_TOKEN"))
    .addOption(new Option("--github-api-url <url>", "REST API root; GitHub Enterprise Server: https://HOST/api/v3").env("GITHUB_API_URL").default(DEFAULT_GITHUB_API_URL))
    .addOption(new Option("--max-rate-limit-wait <seconds>", "longest wait for a GitHub rate limit to reset before failing").argParser(nonNegativeInt).default(DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS))
    .addOption(new Option("--retry-base-ms <ms>", "base delay between retries").argParser(nonNegativeInt).hideHelp())
    .action(runBuild);

  program
    .command("serve")
    .description("serve a built site the way a good index host does (PEP 691 negotiation, redirects, ETag, Range)")
    .argument("<dir>", "a site built by `github-pypi build`")
    .addOption(new Option("--port <port>", "port to listen on (0 picks a free one)").argParser(port).default(DEFAULT_PORT))
    .option("--host <host>", "address to listen on", DEFAULT_HOST)
    .addOption(new Option("--index-max-age <seconds>", "Cache-Control max-age of index pages").argParser(nonNegativeInt).default(DEFAULT_INDEX_MAX_AGE_SECONDS))
    .option("--quiet", "do not log requests")
    .addOption(new Option("--auth <mode>", "none (default), or github: every request needs a GitHub token that may read the project's repository").choices(["none", "github"]).default("none"))
    .option("--gate-repository <owner/name>", "with --auth github: the repository whose readers may see the root pages and projects from local sources")
    .option("--access-map <file>", "with --auth github: the map `build` wrote (default: DIR.access.json, beside the site)")
    .addOption(new Option("--github-api-url <url>", "with --auth github: REST API root; GitHub Enterprise Server: https://HOST/api/v3").env("GITHUB_API_URL").default(DEFAULT_GITHUB_API_URL))
    .addOption(new Option("--auth-cache <positive,negative>", "with --auth github: seconds a verdict is cached when access is granted, and when refused").default(DEFAULT_AUTH_CACHE))
    .option("--upstream <url>", "send project names the site does not hold to this simple index (default: the upstream the site was built with)")
    .option("--no-upstream", "answer 404 for every project the site does not hold, whatever the site was built with")
    .action(runServe);

  program
    .command("demo")
    .description(`build an index from the bundled example distributions and serve it on ${DEFAULT_HOST}`)
    .addOption(new Option("--port <port>", "port to listen on (falls back to a free one if taken)").argParser(port).default(DEFAULT_PORT))
    .option("--out <dir>", "where to write the demo site", DEFAULT_DEMO_SITE_DIR)
    .option("--upstream <url>", "where names the demo does not hold come from (default: PyPI, from the demo's settings)")
    .option("--no-upstream", "answer 404 for every project the demo does not hold")
    .option("--private", "build it as a private index and serve it behind the GitHub gate, against a local stand-in for GitHub with two people")
    .action(runDemo);

  return program;
}
