"""An independent reader of the simple repository API, for test/project-status.test.ts: written
from the spec (HTML with the standard library's html.parser, JSON as is), not from the index's
renderer. For each project named on the command line it asks the index for HTML and for JSON by
content negotiation and prints one JSON object: {project: {"html": {...}, "json": {...}}}, each
side {"api_version", "status", "reason", "files"}.

usage: read_simple.py BASE_URL PROJECT...
"""

import json
import sys
import urllib.request
from html.parser import HTMLParser


class ProjectPage(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta = {}
        self.files = []
        self._in_anchor = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and "name" in a:
            # The first value of each name wins, as installers read them.
            self.meta.setdefault(a["name"], a.get("content"))
        elif tag == "a":
            self._in_anchor = True
            self.files.append("")

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_anchor = False

    def handle_data(self, data):
        if self._in_anchor:
            self.files[-1] += data


def fetch(url, accept):
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request) as response:
        return response.headers.get("Content-Type", ""), response.read().decode("utf-8")


def read(base, project):
    url = f"{base}/{project}/"
    ctype, text = fetch(url, "text/html")
    assert ctype.startswith("text/html"), ctype
    page = ProjectPage()
    page.feed(text)
    html = {
        "api_version": page.meta.get("pypi:repository-version"),
        "status": page.meta.get("pypi:project-status", "active"),
        "reason": page.meta.get("pypi:project-status-reason"),
        "files": [f.strip() for f in page.files],
    }
    ctype, text = fetch(url, "application/vnd.pypi.simple.v1+json")
    assert ctype.startswith("application/vnd.pypi.simple.v1+json"), ctype
    doc = json.loads(text)
    status = doc.get("project-status", {"status": "active"})
    # The spec puts project-status beside meta, never inside it.
    assert "project-status" not in doc["meta"], doc["meta"]
    as_json = {
        "api_version": doc["meta"]["api-version"],
        "status": status["status"],
        "reason": status.get("reason"),
        "files": [f["filename"] for f in doc["files"]],
    }
    return {"html": html, "json": as_json, "versions": doc["versions"]}


def main():
    base, projects = sys.argv[1].rstrip("/"), sys.argv[2:]
    json.dump({p: read(base, p) for p in projects}, sys.stdout)


main()
