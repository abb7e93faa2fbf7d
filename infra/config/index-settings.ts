import * as pulumi from "@pulumi/pulumi";
import type { IndexConfig } from "../../generator/config/schema.js";
import { readStackConfig } from "./stack-config.js";

/** The index settings part of the stack config: what the generator's render stage needs. */
export function readIndexSettings(config = new pulumi.Config("github-pypi")): IndexConfig {
  const { title, yanked, status, packagesUrl, indexMaxAgeSeconds, namespaces } = readStackConfig(config);
  return { title, yanked, status, indexMaxAgeSeconds, namespaces, ...(packagesUrl !== undefined ? { packagesUrl } : {}) };
}
