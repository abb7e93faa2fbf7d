"""An independent reader of PEP 752's JSON (Simple API 1.5), written from the PEP, not from the
index's renderer: it fetches a repository's namespace list, each namespace's page and the project
pages it is told about, checks every rule it can, and prints what it read as one JSON document.

Usage: pep752_reader.py SIMPLE_ROOT [--static] [--token TOKEN] PROJECT...

SIMPLE_ROOT ends in `/`. With --static, project pages are read from `<name>/index.json` (a static
host serves HTML at the folder URL) and the namespace pages are accepted whatever their
Content-Type (a static host types extensionless files as it likes). Exits 1, naming the rule, at
the first violation.
"""
import base64
import json
import re
import sys
import urllib.error
import urllib.request

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def fail(rule):
    print(json.dumps({"violation": rule}))
    sys.exit(1)


def fetch(url, token, accept=JSON_TYPE):
    request = urllib.request.Request(url, headers={"Accept": accept})
    if token:
        request.add_header("Authorization", "Basic " + base64.b64encode(("token:" + token).encode()).decode())
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), b""


def read_json(url, token, static, what):
    status, content_type, body = fetch(url, token)
    if status != 200:
        fail(f"{what}: {url} answered {status}, not 200")
    if not static and content_type.split(";")[0].strip() != JSON_TYPE:
        fail(f"{what}: {url} is {content_type!r}, not {JSON_TYPE}")
    try:
        doc = json.loads(body)
    except ValueError:
        fail(f"{what}: {url} is not JSON")
    version = doc.get("meta", {}).get("api-version")
    if not isinstance(version, str) or not re.fullmatch(r"1\.\d+", version) or int(version.split(".")[1]) < 5:
        fail(f"{what}: api-version {version!r} is not 1.5 or later")
    return doc


def covers(namespace, project):
    return project == namespace or project.startswith(namespace + "-")


def main():
    args = sys.argv[1:]
    static = "--static" in args
    token = None
    if "--token" in args:
        i = args.index("--token")
        token = args[i + 1]
        del args[i : i + 2]
    args = [a for a in args if a != "--static"]
    root, projects = args[0], args[1:]

    listing = read_json(root + "namespaces", token, static, "the namespace list")
    entries = listing.get("namespaces")
    if not isinstance(entries, list):
        fail("the namespace list has no `namespaces` array")
    by_name = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            fail(f"a namespace entry without a name: {entry!r}")
        name = entry["name"]
        if normalize(name) != name:
            fail(f"namespace {name!r} is not normalised")
        if name in by_name:
            fail(f"namespace {name!r} is listed twice")
        by_name[name] = entry
    for name, entry in by_name.items():
        parent, children = entry.get("parent"), entry.get("children")
        if parent is not None and (parent not in by_name or not name.startswith(parent + "-")):
            fail(f"{name}: parent {parent!r} is not a listed namespace it starts with")
        if not isinstance(children, list) or any(not isinstance(c, str) for c in children):
            fail(f"{name}: children is not a list of names")
        for child in children:
            if child not in by_name or by_name[child].get("parent") != name:
                fail(f"{name}: child {child!r} does not name it as parent")
        if parent is not None and by_name[parent].get("parent") is not None:
            fail(f"{name}: a child of a child grant")
        if "owner" in entry and not isinstance(entry["owner"], str):
            fail(f"{name}: owner is not a string")
        detail = read_json(root + "namespace/" + name, token, static, f"namespace {name}")
        described = {k: v for k, v in detail.items() if k != "meta"}
        if described != entry:
            fail(f"namespace {name}: its page {described!r} differs from the list's entry {entry!r}")
        # A name in the namespace that the repository does not hold is the repository's 404.
        probe = f"{name}-pep752-reader-probe"
        probe_url = root + probe + ("/index.json" if static else "/")
        status, _, _ = fetch(probe_url, token)
        if status != 404:
            fail(f"{probe}: a name in namespace {name} the repository does not hold answered {status}, not 404")

    pages = {}
    for project in projects:
        url = root + project + ("/index.json" if static else "/")
        doc = read_json(url, token, static, f"project {project}")
        if "namespaces" not in doc:
            fail(f"project {project}: no `namespaces` key")
        value = doc["namespaces"]
        expected = sorted(n for n in by_name if covers(n, doc.get("name", "")))
        if value is None:
            if expected:
                fail(f"project {project}: namespaces is null, but {expected} cover it")
        else:
            if not isinstance(value, list) or not value:
                fail(f"project {project}: namespaces is neither null nor a non-empty list")
            for item in value:
                if set(item) != {"name", "owned"} or not isinstance(item["owned"], bool):
                    fail(f"project {project}: {item!r} is not {{name, owned}}")
            if sorted(item["name"] for item in value) != expected:
                fail(f"project {project}: namespaces {value!r}, expected the grants {expected}")
        pages[project] = value
    print(json.dumps({"namespaces": by_name, "projects": pages}, sort_keys=True))


main()
