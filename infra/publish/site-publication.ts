import * as pulumi from "@pulumi/pulumi";
import { publicationProvider, type PublishFigures } from "./git-data-provider.js";

export interface SitePublicationArgs {
  apiUrl: pulumi.Input<string>;
  owner: pulumi.Input<string>;
  repository: pulumi.Input<string>;
  branch: pulumi.Input<string>;
  /** The built site folder; the provider reads files from it only when they must be uploaded. */
  siteDir: pulumi.Input<string>;
  /** Path -> git blob id, from `siteManifest`. */
  files: pulumi.Input<Record<string, string>>;
  message: pulumi.Input<string>;
}

/**
 * The generated site on the Pages branch, written as one commit per change through the Git Data
 * API (see git-data-provider.ts). Its state holds the file manifest, never file contents, so
 * `pulumi preview` lists the changed paths and an unchanged site has nothing to do.
 */
export class SitePublication extends pulumi.dynamic.Resource {
  declare readonly commit: pulumi.Output<string>;
  declare readonly tree: pulumi.Output<string>;
  declare readonly files: pulumi.Output<Record<string, string>>;
  declare readonly lastPublish: pulumi.Output<PublishFigures>;

  constructor(name: string, args: SitePublicationArgs, opts?: pulumi.CustomResourceOptions) {
    super(publicationProvider, name, { ...args, commit: undefined, tree: undefined, lastPublish: undefined }, opts, "publish", "SitePublication");
  }
}
