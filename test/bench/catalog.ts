/**
 * Catalog benchmark: the human pages for BENCH_CATALOG_PROJECTS synthetic projects (3 versions,
 * a wheel and an sdist each, dependencies, a repository), without and with a Markdown README on
 * every project. Prints render time, the landing page's size (raw and gzipped) and the average
 * project page. Figures only.
 */
import { gzipSync } from "node:zlib";
import { performance } from "node:perf_hooks";
import { renderCatalog } from "../../generator/catalog/catalog.js";
import { validateIndexConfig } from "../../generator/config/load.js";
import type { DistributionFile } from "../../generator/model/distribution.js";
import type { Project, ProjectIndex } from "../../generator/model/project.js";
import { parseFilename } from "../../generator/names/filename.js";

const PROJECTS = Number(process.env.BENCH_CATALOG_PROJECTS ?? 5000);
if (!Number.isInteger(PROJECTS) || PROJECTS < 1) throw new Error("BENCH_CATALOG_PROJECTS must be a positive integer");

const README =
  "# Project\n\nSome **bold** text and a [link](https://example.com).\n\n## Install\n\n```console\npip install thing\n```\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
  "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(20);

function synthetic(n: number, withDescription: boolean): ProjectIndex {
  const projects: Project[] = [];
  for (let i = 0; i < n; i++) {
    const name = `project-${String(i).padStart(5, "0")}`;
    const versions = ["1.0.0", "1.1.0", "2.0.0rc1"];
    const files: DistributionFile[] = [];
    for (const version of versions) {
      for (const filename of [`${name.replace(/-/g, "_")}-${version}-py3-none-any.whl`, `${name.replace(/-/g, "_")}-${version}.tar.gz`]) {
        const parsed = parseFilename(filename);
        if (!parsed.ok) throw new Error(parsed.reason);
        files.push({
          filename,
          parsed: parsed.value,
          origin: "bench",
          location: { kind: "url", url: `https://files.example/${filename}` },
          hashes: { sha256: "ab".repeat(32) },
          size: 12_345 + i,
          uploadTime: "2024-05-06T07:08:09.000Z",
          requiresPython: ">=3.9",
          repository: `acme/${name}`,
          repositoryUrl: `https://github.com/acme/${name}`,
          metadata: {
            name,
            version,
            summary: `Summary of ${name}: a useful library for doing things with data`,
            requiresDist: i > 0 ? [`project-${String(i - 1).padStart(5, "0")}>=1.0`, "requests>=2; extra == 'http'"] : [],
            projectUrls: ["Homepage, https://example.com"],
            license: "MIT",
            ...(withDescription ? { description: README, descriptionContentType: "text/markdown" } : {}),
          },
        });
      }
    }
    projects.push({ name, displayName: name, versions, files });
  }
  return { projects };
}

const config = validateIndexConfig({ title: "Bench index" });
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`Catalog: ${PROJECTS.toLocaleString("en")} projects, 6 files each`);
for (const withDescription of [false, true]) {
  const index = synthetic(PROJECTS, withDescription);
  renderCatalog(synthetic(50, withDescription), config); // warm-up
  const t0 = performance.now();
  const pages = renderCatalog(index, config);
  const ms = performance.now() - t0;
  const landing = pages.find(([p]) => p === "index.html")?.[1] ?? "";
  const projectPages = pages.filter(([p]) => p.startsWith("project/")).map(([, c]) => Buffer.byteLength(c));
  const average = projectPages.reduce((a, b) => a + b, 0) / Math.max(1, projectPages.length);
  console.log(
    `  ${withDescription ? "with a Markdown README each" : "no descriptions          "}: rendered in ${ms.toFixed(0)} ms; ` +
      `landing page ${kib(Buffer.byteLength(landing))} (${kib(gzipSync(landing).length)} gzipped, ${(Buffer.byteLength(landing) / PROJECTS).toFixed(0)} B a project); ` +
      `project pages ${kib(average)} on average`,
  );
}
