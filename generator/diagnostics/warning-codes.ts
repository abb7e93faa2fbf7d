/**
 * Every warning code, with what it means and what to do about it: `WarningCode` is derived from
 * this table, so a new code cannot be raised without being described, and docs/reference/warnings.md
 * is generated from it (`npm run docs`). A module of its own so that the command's start-up,
 * which needs only `UserError`, does not read the descriptions.
 */
export interface WarningDescription {
  /** Who says it: the build (`build`, `demo` and the stack's build alike), the stack alone (`pulumi preview`/`up`), or `serve`. */
  from: "build" | "stack" | "serve";
  /** What happened, and what became of the input. */
  means: string;
  /** What to do about it; "nothing" when the warning is a notice of what was done. */
  action: string;
}

export const WARNING_CODES = {
  "unparseable-filename": {
    from: "build",
    means: "A wheel or sdist name that is not valid: a bad version, bad wheel tags, an invalid project name. The file is not indexed.",
    action: "Rename the file to what its build backend would name it (PEP 427 for wheels, PEP 625 for sdists).",
  },
  "unsupported-file": {
    from: "build",
    means: "A file that is not a wheel, sdist or egg (README.md, .exe, .msi). It is not indexed.",
    action: "Nothing, if the file is not a Python distribution; else give it its distribution name.",
  },
  "metadata-mismatch": {
    from: "build",
    means: "METADATA or PKG-INFO names another project or version than the file name. The file is listed by its name, and another project's Name is never shown as the project's name.",
    action: "Rebuild the file: its name and its metadata must agree, or installers will disagree about what it is.",
  },
  "metadata-unreadable": {
    from: "build",
    means: "No METADATA or PKG-INFO inside a complete archive (or none within its first 64 MiB unpacked). The file is indexed without metadata.",
    action: "Rebuild the file with a standard build backend.",
  },
  "corrupt-archive": {
    from: "build",
    means:
      "A file read whole that is not a complete archive: a gzip stream that ends early or is corrupt, a tar without its end-of-archive marker, a zip without its central directory or with an entry past its end, or one that inflates past 2 GiB. The file is not indexed.",
    action: "Upload the file again.",
  },
  "invalid-requires-python": {
    from: "build",
    means: "A Requires-Python that pip cannot parse. pip would ignore it.",
    action: "Fix the project's requires-python and publish a new release.",
  },
  "missing-hash": {
    from: "build",
    means: "Package-list entries without a hash, so pip cannot verify their files.",
    action: "Use --package-list-json with a hash for each file.",
  },
  "yank-unmatched": {
    from: "build",
    means: "A configured yank that matches no file. Nothing is yanked.",
    action: "Check the project name and version in yanked (usually a typo).",
  },
  "status-unmatched": {
    from: "build",
    means: "A status entry names a project the index does not hold. Nothing is marked.",
    action: "Fix the name, or remove the entry if the project was removed.",
  },
  "duplicate-file": {
    from: "build",
    means: "The same file name from two sources with the same hash, indexed once; or two tags of one version (v1.0, 1.0.0), the first listed linked.",
    action: "Nothing, unless one of the two sources should go.",
  },
  "private-repository-skipped": {
    from: "build",
    means: "Private or internal repositories were skipped (each named).",
    action: "Pass --include-private (sources.includePrivate) to index them.",
  },
  "private-repositories-unlisted": {
    from: "build",
    means: "--include-private for an owner that is a user account, with a token that is not that user's own: GitHub lists only the public repositories.",
    action: "Use that user's own token.",
  },
  "repository-pattern-unmatched": {
    from: "build",
    means: "A --repo pattern (sources.repositories) matched no repository.",
    action: "Check the pattern (usually a typo).",
  },
  "private-files-linked": {
    from: "build",
    means: "--include-private with --files link: pip cannot download a private repository's release files from GitHub without credentials.",
    action: "Use --files mirror (files: mirror).",
  },
  "metadata-asset-mismatch": {
    from: "build",
    means: "A release's <wheel>.metadata asset differs from the METADATA inside the wheel (seen in mirror mode). The wheel's own is used.",
    action: "Upload the .metadata asset again from the wheel.",
  },
  "filename-too-long": {
    from: "build",
    means: "A file name over 244 bytes of UTF-8: with .metadata and .provenance beside it, it would not fit a 255-byte file name. The file is not indexed; the rest is built.",
    action: "Publish the file under a shorter name.",
  },
  "control-characters": {
    from: "build",
    means:
      "Core metadata, or a package list's or tag's Requires-Python, holding characters no page may carry. They are removed from text; a Home-page, Project-URL or Requires-Dist holding one is left out. The .metadata file keeps its bytes.",
    action: "Fix the project's metadata in its next release.",
  },
  "private-name-unclaimed": {
    from: "build",
    means:
      "A private index with an upstream holds a project that only some readers of the gate may see, and no namespace or upstream.claimed pattern covers its name: it answers 404 where a missing name answers 302, so guessed names can be tested.",
    action: "Cover the name, e.g. namespaces: [acme].",
  },
  "attestation-mismatch": {
    from: "build",
    means: "A GitHub attestation of the file's digest whose statement names other bytes or another file name. It is left out; the file is indexed.",
    action: "Attest the file again from the workflow that built it.",
  },
  "attestation-unsupported": {
    from: "build",
    means:
      "A well-formed attestation PEP 740 cannot carry: another predicate (an SBOM), one statement for several files, a bare message signature, or a signer that is not a workflow of the built repository on github.com. It is left out.",
    action: "Nothing, unless PEP 740 provenance is wanted: then attest each file in a step of its own, with SLSA provenance, from the repository's own workflow.",
  },
  "attestation-unlogged": {
    from: "build",
    means: "An attestation without a transparency log entry (outside GitHub's private instance). It is left out.",
    action: "Attest the file again with a public transparency log.",
  },
  "attestation-malformed": {
    from: "build",
    means: "Not a Sigstore bundle, a signature that does not verify against its own certificate, two signatures, or a log time outside the certificate's validity. It is left out.",
    action: "Attest the file again.",
  },
  "attestation-unverified": {
    from: "build",
    means:
      "A bundle that does not verify against Sigstore's public-good roots as this version ships them (a forged certificate, a broken log proof, or a key Sigstore rotated in after this release). It is left out.",
    action: "Update github-pypi; if it persists, treat the attestation as forged.",
  },
  "attestations-private-sigstore": {
    from: "build",
    means:
      "Files attested through GitHub's private Sigstore instance (private repositories): no public log entry, so no PEP 740 form. Said once per build; those files are indexed without provenance.",
    action: "Nothing.",
  },
  "attestations-unavailable": {
    from: "build",
    means:
      "GitHub's attestations for a file could not be read this run (a 5xx or network failure after retries, an answer that is not GitHub's list, blob storage failing, or a token refused). The file is indexed without provenance.",
    action: "Nothing: they are asked again next run.",
  },
  "deprecated-key": {
    from: "stack",
    means: "cdn.indexMaxAgeSeconds, which the CDN once had apart, is taken as the top-level indexMaxAgeSeconds.",
    action: "Set github-pypi:indexMaxAgeSeconds instead and remove cdn.indexMaxAgeSeconds.",
  },
  "upstream-not-served": {
    from: "stack",
    means: "github-pypi:upstream is set without the CDN: GitHub Pages alone is static and cannot send other names to the upstream.",
    action: "Enable the CDN (github-pypi:cdn), or put the index before PyPI in each client.",
  },
  "project-in-several-repositories": {
    from: "stack",
    means: "A private index's project has files from several repositories: a reader needs access to all of them.",
    action: "Publish each project from one repository.",
  },
  "site-holds-build-data": {
    from: "serve",
    means: "The site folder holds a .github-pypi folder from an older build, which a static host would serve.",
    action: "Rebuild the site.",
  },
} as const satisfies Record<string, WarningDescription>;

export type AnyWarningCode = keyof typeof WARNING_CODES;
/** The codes the build's `Warnings` collects (the stack and `serve` print theirs directly). */
export type WarningCode = { [C in AnyWarningCode]: (typeof WARNING_CODES)[C]["from"] extends "build" ? C : never }[AnyWarningCode];
