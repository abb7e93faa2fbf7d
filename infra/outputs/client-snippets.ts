/** Ready-to-paste client configuration for an index URL (ends in `/simple/`). */
export interface ClientSnippets {
  pipConf: string;
  requirementsTxt: string;
  uv: string;
  poetry: string;
  condaEnvironment: string;
  /** A private index: the ~/.netrc entry pip, uv and poetry all read (the password is the person's GitHub token). */
  netrc?: string;
}

/**
 * `name` names the index in uv and poetry; `example` is a project to show source pinning with.
 * Every snippet uses the index as the ONLY index for its packages: `--extra-index-url` lets a
 * look-alike on PyPI win (dependency confusion), so none of these use it. With `oneUrl` (an
 * upstream the index serves), uv takes the index as its default for everything; without, uv's
 * index is explicit and only the pinned project comes from it.
 */
export function clientSnippets(indexUrl: string, name: string, example = "your-package", isPrivate = false, oneUrl = false): ClientSnippets {
  const host = URL.canParse(indexUrl) ? new URL(indexUrl).hostname : indexUrl;
  return {
    ...(isPrivate ? { netrc: `machine ${host}\n  login token\n  password <your GitHub token, e.g. from \`gh auth token\`>\n` } : {}),
    pipConf: `[global]\nindex-url = ${indexUrl}\n`,
    requirementsTxt: `--index-url ${indexUrl}`,
    uv: oneUrl
      ? `[[tool.uv.index]]\nname = "${name}"\nurl = "${indexUrl}"\ndefault = true\n`
      : `[[tool.uv.index]]\nname = "${name}"\nurl = "${indexUrl}"\nexplicit = true\n\n[tool.uv.sources]\n${example} = { index = "${name}" }\n`,
    poetry: `[[tool.poetry.source]]\nname = "${name}"\nurl = "${indexUrl}"\npriority = "primary"\n`,
    condaEnvironment: `dependencies:\n  - python\n  - pip\n  - pip:\n      - --index-url ${indexUrl}\n      - ${example}\n`,
  };
}
