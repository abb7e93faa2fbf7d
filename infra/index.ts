/**
 * The Pulumi program: the index repository with Pages and team access, all from stack config.
 * (The one-commit publication of the generated site is the next piece; until it exists, Pages
 * serves whatever the `pagesBranch` holds.)
 */
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./stack-config.js";
import { IndexRepository } from "./pages/index-repository.js";
import { Teams } from "./access/teams.js";
import { clientSnippets } from "./outputs/client-snippets.js";

const config = readStackConfig();
const owner = new pulumi.Config("github").require("owner");

const index = new IndexRepository("index", {
  owner,
  name: config.indexRepository,
  title: config.title,
  pagesBranch: config.pagesBranch,
  ...(config.cname ? { cname: config.cname } : {}),
});

// Until discovery runs at deploy time, the indexed repositories are the ones named exactly.
const named = config.sources.repositories.filter((r) => !/[*?[\]{}]/.test(r)).map((r) => r.split("/")[1] ?? r);
const teams = new Teams("teams", { teams: config.teams, defaultRepositories: [...new Set([config.indexRepository, ...named])] });

export const title = config.title;
export const indexMaxAgeSeconds = config.indexMaxAgeSeconds;
export const yankedReleases = Object.values(config.yanked).reduce((n, versions) => n + Object.keys(versions).length, 0);
export const pagesUrl = index.pagesUrl;
export const indexUrl = index.pagesUrl.apply((u) => `${u}simple/`);
export const snippets = indexUrl.apply((u) => clientSnippets(u, owner.toLowerCase()));
export const indexRepository = index.repository.name;
export const teamGrants = teams.grants;
