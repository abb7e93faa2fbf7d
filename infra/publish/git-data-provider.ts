/**
 * The provider Pulumi stores for a SitePublication: a shell that forwards to the publication
 * runtime (git-data/publication-runtime.ts, bundled; see providers/runtime-shell.ts for why).
 */
import { runtimeShell } from "../providers/runtime-shell.js";
import type { PublicationProvider } from "./git-data/publication-types.js";

export type { PathChange, PublicationDiff, PublicationInputs, PublicationOutputs, PublicationProvider, PublishFigures } from "./git-data/publication-types.js";

export const publicationProvider: PublicationProvider = runtimeShell<PublicationProvider>("publication");
