"""Checks PEP 740 provenance the way a consumer does, with pypi-attestations and the standard library.

Run with the pypi-attestations tool venv's python. Each mode prints one JSON object on stdout and
exits 0; on failure it prints {"error": ...} (and any details) on stdout, the message on stderr,
and exits 1. Verification is offline: Sigstore's trusted root is the one in the TUF cache under
HOME's cache folders, seeded from the copy the sigstore package ships, so a clean HOME verifies
against exactly what the library ships.

  index       --index URL --project NAME --filename F --dist PATH [--user U --password P]
              [--repository R --workflow W] [--expect-none] [--provenance-type MEDIA_TYPE]
      Reads <URL>/<NAME>/ as JSON (PEP 691) and as HTML (PEP 503), finds F's provenance URL in
      both (JSON `provenance`, HTML `data-provenance`, each resolved against its page), requires
      them equal, fetches it and verifies every attestation of every GitHub bundle against the
      bundle's own publisher (and against R and W when given) and the dist at PATH.
      With --expect-none: requires that neither page names a provenance for F.
  compare     --provenance FILE --expected ATTESTATION_FILE
      The first attestation of the provenance in FILE equals the PEP 740 attestation object in
      ATTESTATION_FILE, field for field (as parsed JSON).
  verify-file --provenance FILE --dist PATH --repository R --workflow W
      Offline verification of a provenance file on disk, as `index` does after fetching it.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pypi_attestations import AttestationError, Distribution, GitHubPublisher, Provenance

PYPI_JSON = "application/vnd.pypi.simple.v1+json"
# What PyPI's Integrity API serves a provenance object as, and what the project's hosts send.
PROVENANCE_TYPE = "application/vnd.pypi.integrity.v1+json"


class Failure(Exception):
    """A check that did not hold: its message, and details for the JSON on stdout."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


# ---------------------------------------------------------------------------------------------
# HTTP, as a consumer: Basic auth sent up front, and never to another origin after a redirect.


class _OriginBoundRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) != _origin(req.full_url):
            new.remove_header("Authorization")
        return new


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc


_opener = urllib.request.build_opener(_OriginBoundRedirects())


def fetch(url: str, accept: str, auth: tuple[str, str] | None) -> tuple[str, str, bytes]:
    """GETs `url`: (final URL, media type without parameters, body); a status other than 200 fails."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        # Unredirected: urllib would otherwise copy it onto a redirect to any host.
        request.add_unredirected_header("Authorization", f"Basic {token}")
    try:
        with _opener.open(request, timeout=60) as response:
            body = response.read()
            media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            return response.geturl(), media_type, body
    except urllib.error.HTTPError as e:
        raise Failure(f"GET {url} (Accept: {accept}) answered {e.code} {e.reason}", url=url, status=e.code) from None
    except urllib.error.URLError as e:
        raise Failure(f"GET {url} failed: {e.reason}", url=url) from None


# ---------------------------------------------------------------------------------------------
# The project page's two forms.


def json_entry(page_url: str, filename: str, auth: tuple[str, str] | None, static: bool = False) -> tuple[str, dict[str, Any]]:
    # A static host (GitHub Pages) cannot negotiate: the JSON form is the folder's index.json file.
    url = urllib.parse.urljoin(page_url, "index.json") if static else page_url
    final, media_type, body = fetch(url, PYPI_JSON, auth)
    if media_type != PYPI_JSON and not (static and media_type == "application/json"):
        raise Failure(f"{page_url} answered Accept: {PYPI_JSON} with Content-Type {media_type or '(none)'}", url=page_url)
    page = json.loads(body)
    for entry in page.get("files", []):
        if entry.get("filename") == filename:
            return final, entry
    raise Failure(f"{page_url} (JSON) lists no file {filename}", url=page_url)


class _Anchors(HTMLParser):
    """Every <a>'s attributes and text; HTMLParser unescapes attribute values itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._open: tuple[dict[str, str | None], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open = (dict(attrs), [])

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.anchors.append((self._open[0], "".join(self._open[1]).strip()))
            self._open = None


def html_anchor(page_url: str, filename: str, auth: tuple[str, str] | None) -> tuple[str, dict[str, str | None]]:
    final, media_type, body = fetch(page_url, "text/html", auth)
    if media_type not in ("text/html", "application/vnd.pypi.simple.v1+html"):
        raise Failure(f"{page_url} answered Accept: text/html with Content-Type {media_type or '(none)'}", url=page_url)
    parser = _Anchors()
    parser.feed(body.decode("utf-8"))
    for attrs, text in parser.anchors:
        href = attrs.get("href") or ""
        linked = urllib.parse.unquote(urllib.parse.urlsplit(href).path.rsplit("/", 1)[-1])
        if text == filename or linked == filename:
            return final, attrs
    raise Failure(f"{page_url} (HTML) has no anchor for {filename}", url=page_url)


# ---------------------------------------------------------------------------------------------
# Verification.


def _dist(path: str, filename: str | None = None) -> Distribution:
    dist = Path(path)
    if not dist.is_file():
        raise Failure(f"{path} is not a file")
    if filename is not None and dist.name != filename:
        # The statement's subject is checked against the file's own name.
        raise Failure(f"--dist {path} must be named {filename}, the file the index lists")
    return Distribution.from_file(dist)


def parse_provenance(raw: bytes | str, where: str) -> Provenance:
    try:
        return Provenance.model_validate_json(raw)
    except ValidationError as e:
        raise Failure(f"{where} is not a PEP 740 provenance object: {e}", where=where) from None


def verify(provenance: Provenance, dist: Distribution, expected: GitHubPublisher | None) -> dict[str, Any]:
    """Every attestation of every GitHub bundle, against its bundle's publisher and `expected`."""
    publishers: list[dict[str, Any]] = []
    predicate_types: list[str] = []
    verified = 0
    for n, bundle in enumerate(provenance.attestation_bundles):
        publishers.append(bundle.publisher.model_dump(mode="json"))
        if not isinstance(bundle.publisher, GitHubPublisher):
            continue
        against = [bundle.publisher] + ([expected] if expected is not None else [])
        for m, attestation in enumerate(bundle.attestations):
            for publisher in against:
                try:
                    predicate_type, _ = attestation.verify(publisher, dist, offline=True)
                except AttestationError as e:
                    who = f"{publisher.repository} {publisher.workflow}"
                    raise Failure(f"attestation {m} of bundle {n} does not verify against {who} and {dist.name} ({dist.digest}): {e}", bundle=n, attestation=m, publisher=who) from None
            predicate_types.append(predicate_type)
            verified += 1
    if verified == 0:
        raise Failure("the provenance holds no attestation from a GitHub publisher", publishers=publishers)
    return {"publishers": publishers, "predicate_types": predicate_types, "verified": verified}


def expected_publisher(args: argparse.Namespace) -> GitHubPublisher | None:
    if (args.repository is None) != (args.workflow is None):
        raise Failure("--repository and --workflow go together")
    return None if args.repository is None else GitHubPublisher(repository=args.repository, workflow=args.workflow)


# ---------------------------------------------------------------------------------------------
# Modes.


def mode_index(args: argparse.Namespace) -> dict[str, Any]:
    if (args.user is None) != (args.password is None):
        raise Failure("--user and --password go together")
    auth = None if args.user is None else (args.user, args.password)
    page_url = f"{args.index.rstrip('/')}/{urllib.parse.quote(args.project)}/"
    json_page, entry = json_entry(page_url, args.filename, auth, args.static)
    html_page, anchor = html_anchor(page_url, args.filename, auth)
    in_json = entry.get("provenance")
    in_html = anchor.get("data-provenance")
    if args.expect_none:
        if in_json is not None or in_html is not None:
            raise Failure(f"{args.filename} was expected without provenance; JSON says {in_json!r}, HTML data-provenance says {in_html!r}", json=in_json, html=in_html)
        return {"url": None, "publishers": [], "predicate_types": [], "verified": 0}
    if not isinstance(in_json, str) or not in_json:
        raise Failure(f"{page_url} (JSON): {args.filename} has no provenance URL ({in_json!r})", json=in_json)
    if not in_html:
        raise Failure(f"{page_url} (HTML): the anchor for {args.filename} has no data-provenance", html=in_html)
    json_url = urllib.parse.urljoin(json_page, in_json)
    html_url = urllib.parse.urljoin(html_page, in_html)
    if json_url != html_url:
        raise Failure(f"the JSON page names {json_url}, the HTML page {html_url}", json=json_url, html=html_url)
    if args.dist is None:
        raise Failure("--dist is required unless --expect-none")
    expected = expected_publisher(args)
    dist = _dist(args.dist, args.filename)
    _, media_type, body = fetch(json_url, f"{PROVENANCE_TYPE}, application/json;q=0.5", auth)
    if media_type != args.provenance_type:
        raise Failure(f"{json_url} is served as {media_type or '(no Content-Type)'}, not {args.provenance_type}", url=json_url, content_type=media_type)
    result = verify(parse_provenance(body, json_url), dist, expected)
    return {"url": json_url, **result}


def _differences(a: Any, b: Any, path: str = "$") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{path}.{key} (only in {'the expected attestation' if key not in a else 'the provenance'})")
            else:
                out.extend(_differences(a[key], b[key], f"{path}.{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [f"{path} (length {len(a)} vs {len(b)})"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(_differences(x, y, f"{path}[{i}]"))
        return out
    # bool is an int in Python: 1 and true differ in JSON.
    return [] if type(a) is type(b) and a == b else [path]


def mode_compare(args: argparse.Namespace) -> dict[str, Any]:
    raw = Path(args.provenance).read_bytes()
    parse_provenance(raw, args.provenance)
    ours = json.loads(raw)["attestation_bundles"][0]["attestations"][0]
    expected = json.loads(Path(args.expected).read_bytes())
    differences = _differences(ours, expected)
    if differences:
        raise Failure(f"the first attestation of {args.provenance} differs from {args.expected} at {', '.join(differences)}", differences=differences)
    return {"equal": True, "fields": sorted(ours)}


def mode_verify_file(args: argparse.Namespace) -> dict[str, Any]:
    expected = expected_publisher(args)
    dist = _dist(args.dist)
    result = verify(parse_provenance(Path(args.provenance).read_bytes(), args.provenance), dist, expected)
    return {"provenance": args.provenance, "dist": {"name": dist.name, "sha256": dist.digest}, **result}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    modes = parser.add_subparsers(dest="mode", required=True)

    index = modes.add_parser("index", help="find, fetch and verify a file's provenance through an index")
    index.add_argument("--index", required=True, help="the simple index's root URL")
    index.add_argument("--project", required=True)
    index.add_argument("--filename", required=True)
    index.add_argument("--dist", help="the distribution's bytes, under its own filename (required unless --expect-none)")
    index.add_argument("--user")
    index.add_argument("--password")
    index.add_argument("--repository", help="expected GitHub repository, owner/name")
    index.add_argument("--workflow", help="expected workflow file name, e.g. release.yml")
    index.add_argument("--expect-none", action="store_true", help="require that the file has no provenance")
    index.add_argument("--static", action="store_true", help="a static host: read the JSON form from the project folder's index.json")
    index.add_argument("--provenance-type", default=PROVENANCE_TYPE, help=f"the provenance's required media type (default {PROVENANCE_TYPE})")
    index.set_defaults(run=mode_index)

    compare = modes.add_parser("compare", help="the provenance's first attestation equals a PEP 740 attestation object")
    compare.add_argument("--provenance", required=True)
    compare.add_argument("--expected", required=True)
    compare.set_defaults(run=mode_compare)

    verify_file = modes.add_parser("verify-file", help="verify a provenance file on disk, offline")
    verify_file.add_argument("--provenance", required=True)
    verify_file.add_argument("--dist", required=True)
    verify_file.add_argument("--repository", required=True)
    verify_file.add_argument("--workflow", required=True)
    verify_file.set_defaults(run=mode_verify_file)

    args = parser.parse_args(argv)
    try:
        try:
            result = args.run(args)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
            # A file that cannot be read or is not the JSON asked for: said as a failure, not a traceback.
            raise Failure(f"{type(e).__name__}: {e}") from e
    except Failure as e:
        print(json.dumps({"error": str(e), **e.details}))
        print(f"{args.mode}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
