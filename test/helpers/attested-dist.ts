/**
 * The real sdist that the shared attestation is about (`pypi_attestations-0.0.19.tar.gz`), as PyPI
 * serves it: downloaded once by the pypi-attestations venv's pip into `.cache/dists/`, checked
 * against the sha256 the attestation signs, and found there by later runs. Several test processes
 * may ask at once: the same lock as the venvs lets one download while the others wait.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { clientVenv, withLock } from "./client-venvs.js";
import { repoRoot } from "./paths.js";

export const ATTESTED_DIST = "pypi_attestations-0.0.19.tar.gz";
/** What the shared attestation's statement names as its subject's digest. */
export const ATTESTED_SHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3";
export const DIST_CACHE = join(repoRoot, ".cache/dists");

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Throws unless the file at `path` is the attested sdist, byte for byte. */
export function checkAttestedDist(path: string): void {
  const found = sha256(path);
  if (found !== ATTESTED_SHA256) throw new Error(`${path} has sha256 ${found}, not ${ATTESTED_SHA256}: it is not the sdist the attestation signs`);
}

let ready: Promise<string> | undefined;

/** The path of the real attested sdist, downloaded on first use and checked on every process's first call. */
export async function attestedDist(): Promise<string> {
  return (ready ??= fetchAttestedDist().catch((e: unknown) => {
    ready = undefined;
    throw e;
  }));
}

async function fetchAttestedDist(): Promise<string> {
  const path = join(DIST_CACHE, ATTESTED_DIST);
  if (existsSync(path)) {
    checkAttestedDist(path);
    return path;
  }
  const venv = await clientVenv("pypi-attestations");
  mkdirSync(DIST_CACHE, { recursive: true });
  await withLock(path, async () => {
    if (existsSync(path)) return;
    // Downloaded beside the cache and moved in only once checked: a half-written or wrong file is never found there.
    const incoming = `${path}.incoming-${process.pid}`;
    const tmp = join(DIST_CACHE, "tmp");
    rmSync(incoming, { recursive: true, force: true });
    mkdirSync(incoming, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    try {
      // The host's own environment: its pip configuration is how this kind of machine reaches PyPI.
      // --no-binary: the sdist, whose bytes the attestation signs, not a wheel of the same release.
      const args = ["-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", `pypi-attestations==0.0.19`, "-d", incoming];
      await new Promise<void>((resolve, reject) =>
        execFile(venv.python, args, { env: { ...process.env, TMPDIR: tmp, PIP_DISABLE_PIP_VERSION_CHECK: "1" }, maxBuffer: 16 << 20 }, (e, stdout, stderr) =>
          e ? reject(new Error(`downloading ${ATTESTED_DIST} failed: ${venv.python} ${args.join(" ")}\n${stdout}${stderr}`)) : resolve(),
        ),
      );
      const got = readdirSync(incoming);
      if (!got.includes(ATTESTED_DIST)) throw new Error(`pip downloaded ${got.join(", ") || "nothing"}, not ${ATTESTED_DIST}`);
      checkAttestedDist(join(incoming, ATTESTED_DIST));
      renameSync(join(incoming, ATTESTED_DIST), path);
    } finally {
      rmSync(incoming, { recursive: true, force: true });
    }
  });
  checkAttestedDist(path);
  return path;
}
