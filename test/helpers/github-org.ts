import { sha256Bytes } from "../../generator/util/hash-file.js";
import type { EmulatedRepo } from "./github-emulator.js";
import { makeSdist, makeWheel, type BuiltDist } from "./python-dists.js";

/** The fixture organisation's distributions, kept so tests can compare hashes and metadata. */
export interface AcmeDists {
  core10: BuiltDist;
  core10sdist: BuiltDist;
  /** Published without a GitHub digest: must be downloaded and hashed. */
  core11: BuiltDist;
  coreRc: BuiltDist;
  coreDraft: BuiltDist;
  app: BuiltDist;
  legacy: BuiltDist;
  secret: BuiltDist;
  js: BuiltDist;
}

export const TAGGED_PYPROJECT = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "acme-tagged"\nversion = "1.0.0"\nrequires-python = ">=3.8"\n';

/**
 * `acme`: every case discovery has to handle, in one organisation. `python`-topic repositories:
 * core (digest, no digest, pre-release, draft, a non-distribution asset), app (a `.metadata`
 * sidecar), legacy (archived), secret (private), tagged (no releases: tags only). `js` has
 * another topic and is filtered out by `--topic python`.
 */
export async function acmeOrg(options: { taggedCloneUrl?: string } = {}): Promise<{ repos: EmulatedRepo[]; dists: AcmeDists }> {
  const payload = 200_000;
  const dists: AcmeDists = {
    core10: makeWheel({ name: "acme-core", version: "1.0.0", requiresPython: ">=3.8", summary: "The core", payloadBytes: payload }),
    core10sdist: await makeSdist({ name: "acme-core", version: "1.0.0", requiresPython: ">=3.8", summary: "The core", payloadBytes: payload }),
    core11: makeWheel({ name: "acme-core", version: "1.1.0", requiresPython: ">=3.9", payloadBytes: payload }),
    coreRc: makeWheel({ name: "acme-core", version: "1.2.0rc1" }),
    coreDraft: makeWheel({ name: "acme-core", version: "2.0.0" }),
    app: makeWheel({ name: "acme-app", version: "0.1.0", requiresDist: ["acme-core>=1.0"], summary: "The app" }),
    legacy: makeWheel({ name: "acme-legacy", version: "0.1.0" }),
    secret: makeWheel({ name: "acme-secret", version: "0.1.0" }),
    js: makeWheel({ name: "acme-js", version: "1.0.0" }),
  };
  const asset = (d: BuiltDist, digest?: null) => ({ name: d.filename, bytes: d.bytes, ...(digest === null ? { digest: null } : {}) });
  const repos: EmulatedRepo[] = [
    {
      name: "core",
      topics: ["python", "library"],
      releases: [
        { tag: "v2.0.0", draft: true, assets: [asset(dists.coreDraft)] },
        { tag: "v1.2.0rc1", prerelease: true, assets: [asset(dists.coreRc)] },
        { tag: "v1.1.0", assets: [asset(dists.core11, null), { name: "checksums.txt", bytes: Buffer.from(`${sha256Bytes(dists.core11.bytes)}  ${dists.core11.filename}\n`) }] },
        { tag: "v1.0.0", assets: [asset(dists.core10), asset(dists.core10sdist)] },
      ],
    },
    {
      name: "app",
      topics: ["python"],
      releases: [{ tag: "v0.1.0", assets: [asset(dists.app), { name: `${dists.app.filename}.metadata`, bytes: dists.app.metadata }] }],
    },
    { name: "legacy", topics: ["python"], archived: true, releases: [{ tag: "v0.1.0", assets: [asset(dists.legacy)] }] },
    { name: "secret", topics: ["python"], private: true, releases: [{ tag: "v0.1.0", assets: [asset(dists.secret)] }] },
    {
      name: "tagged",
      topics: ["python"],
      ...(options.taggedCloneUrl ? { cloneUrl: options.taggedCloneUrl } : {}),
      tags: [
        { name: "latest", files: { "pyproject.toml": TAGGED_PYPROJECT } },
        { name: "v1.1.0", files: { "setup.cfg": "[metadata]\nname = acme-tagged\n\n[options]\npython_requires = >=3.9\n" } },
        { name: "v1.0.0", files: { "pyproject.toml": TAGGED_PYPROJECT } },
        { name: "v0.9", files: {} },
      ],
    },
    { name: "js", topics: ["javascript"], releases: [{ tag: "v1.0.0", assets: [asset(dists.js)] }] },
  ];
  return { repos, dists };
}
