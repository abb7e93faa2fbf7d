/**
 * A private organisation on the GitHub emulator, built into a mirrored site: some of `acmeOrg()`'s
 * repositories made private, a private `pypi` gate repository holding nothing, the given people,
 * and the access map the build wrote.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { AccessMap } from "../../generator/serving/access/access-map.js";
import type { ListPages } from "../../generator/serving/access/list-pages.js";
import { defaultAccessMapPath, readAccessFile } from "../../generator/serving/access/access-map-file.js";
import { createAccessGate, type AccessGate } from "../../generator/serving/access/gate.js";
import { createGitHubAccess } from "../../generator/serving/access/github-access.js";
import { startServer, type RunningServer } from "../../generator/serving/server.js";
import { GitHubEmulator, type EmulatedPerson } from "./github-emulator.js";
import { acmeOrg } from "./github-org.js";
import { demoDists, tempDir } from "./paths.js";
import { buildTo } from "./site.js";

/** The build's token (a GitHub App installation's, by its prefix). */
const BOT = "ghs_build_bot_token";

export interface PrivateOrg {
  emu: GitHubEmulator;
  siteDir: string;
  map: AccessMap;
  /** The list pages' entries the build wrote beside the map. */
  lists: ListPages;
  bot: string;
}

/**
 * Starts the emulator with `privateRepos` (names from acmeOrg) private, `publicRepos` public, plus the `pypi` gate, and
 * builds the site from them and the demo dists; `label` names the temporary folders.
 */
export async function startPrivateOrg(options: OrgOptions): Promise<PrivateOrg> {
  const emu = await GitHubEmulator.start({ token: BOT });
  try {
    return { emu, ...(await buildPrivateSite(emu, options)), bot: BOT };
  } catch (e) {
    await emu.close(); // the caller's after() never saw it
    throw e;
  }
}

interface OrgOptions {
  privateRepos: string[];
  /** Names from acmeOrg kept as they are there (public). */
  publicRepos?: string[];
  people: EmulatedPerson[];
  label: string;
}

async function buildPrivateSite(emu: GitHubEmulator, options: OrgOptions): Promise<{ siteDir: string; map: AccessMap; lists: ListPages }> {
  const org = await acmeOrg();
  const repos = [...org.repos.filter((r) => options.privateRepos.includes(r.name)).map((r) => ({ ...r, private: true })), ...org.repos.filter((r) => options.publicRepos?.includes(r.name))];
  emu.setOrg("acme", [...repos, { name: "pypi", private: true }]);
  emu.setPeople(options.people);
  const siteDir = join(tempDir(`${options.label}-site`), "site");
  await buildTo(siteDir, {
    from: [demoDists],
    github: {
      apiUrl: emu.apiUrl,
      token: BOT,
      org: "acme",
      repositories: [],
      topics: [],
      includePrivate: true,
      includeArchived: false,
      tags: false,
      files: "mirror",
      cacheDir: tempDir(`${options.label}-cache`),
      maxRateLimitWaitSeconds: 5,
      retryBaseMs: 1,
    },
  });
  const file = await readAccessFile(defaultAccessMapPath(siteDir));
  assert.ok(file?.lists, "the build writes the access map and the list entries");
  return { siteDir, map: file.map, lists: file.lists };
}

/** `serve --auth github`'s server over the org's site, its gate asking the emulator (with an optional test clock and log). */
export async function serveGated(org: PrivateOrg, options: { now?: () => number; log?: (line: string) => void } = {}): Promise<{ gate: AccessGate; server: RunningServer }> {
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: org.map, github: createGitHubAccess({ apiUrl: org.emu.apiUrl }), ...(options.now ? { now: options.now } : {}) });
  const server = await startServer({ root: org.siteDir, port: 0, access: { gate, realm: "acme/pypi", lists: org.lists }, ...(options.log ? { log: options.log } : {}) });
  return { gate, server };
}
