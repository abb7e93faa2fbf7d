/**
 * `npm run bench` (GitHub part): an emulated organisation of 200 repositories x 20 releases x 4
 * assets (three wheels with a 256 KiB payload and an sdist), indexed cold and then warm. Prints
 * API requests by status, file-host requests and bytes, and time. Figures only; nothing fails.
 * Goals: warm run = 0 requests answered with anything but 304 and 0 bytes; cold run downloads no
 * wheel whole, since the emulated host honours Range.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { buildSite } from "../../generator/build.js";
import { validateIndexConfig } from "../../generator/config/load.js";
import { Warnings } from "../../generator/diagnostics/warnings.js";
import type { GitHubSourceReport } from "../../generator/sources/github.js";
import { GitHubEmulator, type EmulatedRepo } from "../helpers/github-emulator.js";
import { makeSdist } from "../helpers/python-dists.js";
import { storedZip } from "./stored-zip.js";

// BENCH_REPOS=20 gives a quick look; the figures quoted in README are for 200.
const REPOS = Number(process.env.BENCH_REPOS ?? 200);
const RELEASES = 20;
const PAYLOAD = 256 * 1024;
const WHEEL_TAGS = ["py3-none-any", "cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-win_amd64"];

// One incompressible payload for every wheel: its CRC is computed once (see stored-zip.ts).
const payload = Buffer.alloc(PAYLOAD);
for (let i = 0, block = createHash("sha256").update("payload").digest(); i < PAYLOAD; i += 32) {
  block.copy(payload, i);
  block = createHash("sha256").update(block).digest();
}
const payloadCrc = crc32(payload);

function wheel(project: string, version: string, tag: string): Buffer {
  const mod = project.replace(/-/g, "_");
  const distInfo = `${mod}-${version}.dist-info`;
  const text = (s: string) => Buffer.from(s, "utf8");
  return storedZip([
    { name: `${mod}/__init__.py`, data: text(`__version__ = "${version}"\n`) },
    { name: `${mod}/_payload.bin`, data: payload, crc: payloadCrc },
    { name: `${distInfo}/METADATA`, data: text(`Metadata-Version: 2.1\nName: ${project}\nVersion: ${version}\nRequires-Python: >=3.9\nSummary: bench\n`) },
    { name: `${distInfo}/WHEEL`, data: text(`Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: false\nTag: ${tag}\n`) },
    { name: `${distInfo}/RECORD`, data: text("") },
  ]);
}

async function organisation(): Promise<{ repos: EmulatedRepo[]; assets: number; bytes: number }> {
  const repos: EmulatedRepo[] = [];
  let assets = 0;
  let bytes = 0;
  for (let r = 0; r < REPOS; r++) {
    const project = `bench-${String(r).padStart(3, "0")}`;
    const releases = [];
    for (let v = RELEASES - 1; v >= 0; v--) {
      const version = `1.${v}.0`;
      const mod = project.replace(/-/g, "_");
      const list = WHEEL_TAGS.map((tag) => ({ name: `${mod}-${version}-${tag}.whl`, bytes: () => wheel(project, version, tag) }));
      const sdist = await makeSdist({ name: project, version, requiresPython: ">=3.9", payloadBytes: 16 * 1024 });
      releases.push({ tag: `v${version}`, assets: [...list, { name: sdist.filename, bytes: sdist.bytes }] });
      assets += 4;
      bytes += 3 * wheel(project, version, WHEEL_TAGS[0] ?? "").length + sdist.bytes.length;
    }
    repos.push({ name: project, topics: ["python"], releases });
  }
  return { repos, assets, bytes };
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const count = (n: number) => n.toLocaleString("en");
const byStatus = (m: Record<number, number>) =>
  Object.entries(m)
    .map(([s, n]) => `${s}: ${count(n)}`)
    .join(", ");

const emu = await GitHubEmulator.start();
const cacheDir = mkdtempSync(join(tmpdir(), "github-pypi-bench-gh-"));
try {
  const org = await organisation();
  emu.setOrg("bench", org.repos);
  console.log(`GitHub discovery: ${REPOS} repositories x ${RELEASES} releases x 4 assets = ${count(org.assets)} files, ${mib(org.bytes)} of assets (emulated, local HTTP)`);
  const runOnce = async (label: string): Promise<GitHubSourceReport | undefined> => {
    emu.clearRequests();
    const t0 = performance.now();
    const result = await buildSite({
      github: { apiUrl: emu.apiUrl, org: "bench", repositories: [], topics: [], includePrivate: false, includeArchived: false, tags: true, files: "link", cacheDir, maxRateLimitWaitSeconds: 60 },
      config: validateIndexConfig({}),
      warnings: new Warnings(),
    });
    const ms = performance.now() - t0;
    const s = emu.stats();
    const api = Object.values(s.api).reduce((a, b) => a + b, 0);
    const notModified = s.api[304] ?? 0;
    const d = result.github?.downloads;
    console.log(`  ${label}: ${(ms / 1000).toFixed(2)} s, ${count(result.files)} files indexed`);
    console.log(`    API requests:  ${count(api)} (${byStatus(s.api)}); answered with anything but 304: ${count(api - notModified)}`);
    console.log(
      `    file host:     ${count(Object.values(s.download).reduce((a, b) => a + b, 0))} requests (${byStatus(s.download)}), ${mib(d?.bytes ?? 0)} received = ${(((d?.bytes ?? 0) / org.bytes) * 100).toFixed(1)}% of the assets' size`,
    );
    console.log(`    whole-file downloads: ${count(d?.fullDownloads ?? 0)}; saved by Range and early stops: ${mib(d?.bytesSaved ?? 0)}`);
    return result.github;
  };
  await runOnce("cold run");
  await runOnce("warm run");
  console.log(`  peak memory (RSS, emulator included): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  await emu.close();
  rmSync(cacheDir, { recursive: true, force: true });
}
