/**
 * `npm run bench` (GitHub at scale): an emulated organisation of 1,000 repositories, each with one
 * release of a wheel and an sdist, behind 50 ms of latency on every API request (GitHub's distance
 * from a runner), indexed cold and then warm. Prints the GitHub calls by kind and status and the
 * wall time of each run. The goal a warm run is held to: no request answered with anything but
 * 304, no download, and under 10 s. Figures only; nothing fails.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSite } from "../../generator/build.js";
import { validateIndexConfig } from "../../generator/config/load.js";
import { Warnings } from "../../generator/diagnostics/warnings.js";
import { describeAttestations } from "../../generator/sources/github-report.js";
import { GitHubEmulator, type EmulatedRepo } from "../helpers/github-emulator.js";
import { makeSdist, makeWheel } from "../helpers/python-dists.js";

const REPOS = Number(process.env.BENCH_SCALE_REPOS ?? 1000);
const LATENCY_MS = Number(process.env.BENCH_SCALE_LATENCY_MS ?? 50);
const WARM_GOAL_MS = 10_000;

async function organisation(): Promise<EmulatedRepo[]> {
  const repos: EmulatedRepo[] = [];
  for (let r = 0; r < REPOS; r++) {
    const name = `scale-${String(r).padStart(4, "0")}`;
    const wheel = makeWheel({ name, version: "1.0.0", requiresPython: ">=3.9" });
    const sdist = await makeSdist({ name, version: "1.0.0", requiresPython: ">=3.9" });
    repos.push({
      name,
      releases: [
        {
          tag: "v1.0.0",
          assets: [
            { name: wheel.filename, bytes: wheel.bytes },
            { name: sdist.filename, bytes: sdist.bytes },
          ],
        },
      ],
    });
  }
  return repos;
}

/** `GET 304: 1,010; GET 200: 3` style, the calls grouped by what they asked for. */
function callsByKind(emu: GitHubEmulator): string {
  const kinds = new Map<string, number>();
  for (const r of emu.requests) {
    const path = decodeURIComponent(r.url.split("?")[0] ?? "");
    const kind =
      r.server === "download"
        ? path.startsWith("/attestation-bundles/")
          ? "attestation bundles"
          : "file host"
        : /\/attestations\//.test(path)
          ? "attestation listings"
          : /\/releases\/assets\//.test(path)
            ? "asset locations"
            : /\/releases$/.test(path)
              ? "release listings"
              : "repository listings";
    const key = `${kind} ${r.status}`;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  return [...kinds.entries()]
    .sort()
    .map(([k, n]) => `${k}: ${n.toLocaleString("en")}`)
    .join("; ");
}

const emu = await GitHubEmulator.start();
emu.latencyMs = LATENCY_MS;
const cacheDir = mkdtempSync(join(tmpdir(), "github-pypi-bench-scale-"));
try {
  emu.setOrg("scale", await organisation());
  console.log(`GitHub at scale: ${REPOS.toLocaleString("en")} repositories x 1 release x 2 files, ${LATENCY_MS} ms on every API request (emulated, local HTTP)`);
  for (const label of ["cold run", "warm run"]) {
    emu.clearRequests();
    const t0 = performance.now();
    const result = await buildSite({
      github: { apiUrl: emu.apiUrl, org: "scale", repositories: [], topics: [], includePrivate: false, includeArchived: false, tags: true, files: "link", cacheDir, maxRateLimitWaitSeconds: 60 },
      config: validateIndexConfig({}),
      warnings: new Warnings(),
    });
    const ms = performance.now() - t0;
    const api = result.github?.api;
    console.log(`  ${label}: ${(ms / 1000).toFixed(2)} s, ${result.files.toLocaleString("en")} files indexed`);
    console.log(`    calls: ${callsByKind(emu)}`);
    console.log(`    answered with anything but 304: ${(api?.answeredOtherThan304 ?? 0).toLocaleString("en")}; downloads: ${result.github?.downloads.requests ?? 0}`);
    if (result.github) console.log(`    provenance: ${describeAttestations(result.github.attestations)}`);
    if (label === "warm run") {
      const met = (api?.answeredOtherThan304 ?? 1) === 0 && (result.github?.downloads.requests ?? 1) === 0 && ms < WARM_GOAL_MS;
      console.log(`    goal (0 non-304, 0 downloads, under ${WARM_GOAL_MS / 1000} s): ${met ? "met" : "not met"}`);
    }
  }
} finally {
  await emu.close();
  rmSync(cacheDir, { recursive: true, force: true });
}
