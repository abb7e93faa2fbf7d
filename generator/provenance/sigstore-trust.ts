/**
 * Sigstore's public-good trust root, as the client library ships it (the seed of its TUF
 * repository): the Fulcio certificate authorities, Rekor logs and CT logs a bundle must chain to.
 * It is read from the package, never fetched, so a build verifies offline exactly as a consumer
 * running `pypi-attestations` with `offline=True` does; a newer Sigstore key than the package
 * knows is refused until the dependency is updated (a named warning says so).
 */
import type { Bundle } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { Verifier, toSignedEntity, toTrustMaterial } from "@sigstore/verify";
import seeds from "@sigstore/tuf/seeds.json" with { type: "json" };
import { z } from "zod";

const SIGSTORE_TUF = "https://tuf-repo-cdn.sigstore.dev";
const seedsSchema = z.record(z.string(), z.object({ targets: z.record(z.string(), z.string()) }));

let verifier: Verifier | undefined;

function publicGoodVerifier(): Verifier {
  if (verifier) return verifier;
  const target = seedsSchema.parse(seeds)[SIGSTORE_TUF]?.targets["trusted_root.json"];
  if (target === undefined) throw new Error("the Sigstore client library ships no trusted root");
  const root = TrustedRoot.fromJSON(JSON.parse(Buffer.from(target, "base64").toString("utf8")));
  // One log entry and one certificate timestamp, as sigstore-python's production verifier asks.
  verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1, tsaThreshold: 0 });
  return verifier;
}

/** Why the bundle does not verify against Sigstore's public-good instance, or undefined when it does. */
export function sigstoreProblem(bundle: Bundle): string | undefined {
  try {
    publicGoodVerifier().verify(toSignedEntity(bundle));
    return undefined;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return `${typeof code === "string" ? `${code}: ` : ""}${(e as Error).message}`;
  }
}
