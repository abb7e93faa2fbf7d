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
 * `name` names the index in uv and poetry; `example` is the project the conda snippet installs.
 * Every snippet makes the index the first place every name is looked up, a dependency's too, so
 * a name the index holds never comes from PyPI (dependency confusion): `--extra-index-url`, an
 * explicit uv index or an explicit Poetry source would let PyPI answer for the dependencies. With
 * `oneUrl` (an upstream the index serves) the index is the only index; without, PyPI stays for
 * the names the index does not hold (uv: after the index, with its first-index strategy; Poetry:
 * as a supplemental source, asked only when the index has nothing for a name).
 */
export function clientSnippets(indexUrl: string, name: string, example = "your-package", isPrivate = false, oneUrl = false): ClientSnippets {
  const host = URL.canParse(indexUrl) ? new URL(indexUrl).hostname : indexUrl;
  return {
    ...(isPrivate ? { netrc: `machine ${host}\n  login token\n  password <your GitHub token, e.g. from \`gh auth token\`>\n` } : {}),
    pipConf: `[global]\nindex-url = ${indexUrl}\n`,
    requirementsTxt: `--index-url ${indexUrl}`,
    uv: `[[tool.uv.index]]\nname = "${name}"\nurl = "${indexUrl}"\n${oneUrl ? "default = true\n" : ""}`,
    // A primary source turns Poetry's implicit PyPI off (1.8 and later).
    poetry: `[[tool.poetry.source]]\nname = "${name}"\nurl = "${indexUrl}"\npriority = "primary"\n` + (oneUrl ? "" : `\n[[tool.poetry.source]]\nname = "PyPI"\npriority = "supplemental"\n`),
    condaEnvironment: `dependencies:\n  - python\n  - pip\n  - pip:\n      - --index-url ${indexUrl}\n      - ${example}\n`,
  };
}
