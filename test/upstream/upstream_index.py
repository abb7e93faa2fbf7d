"""A plain PEP 503 index for tests, written apart from the project's renderer: Python's
http.server over a folder, which prints one JSON line per request to stdout with the path and
whether the request carried credentials (an Authorization header, or user info in the URL).

Where a project folder also holds index.json (PEP 691 with PEP 700 upload times, as PyPI serves),
a request whose Accept names the JSON type gets it, as PyPI negotiates; every other request gets
the HTML page.

Usage: upstream_index.py FOLDER [HOST]  (prints {"port": N} first, then one line a request)
"""
import http.server
import io
import os
import json
import sys
import threading

# One request a line: the server answers on several threads, and print() is not one write.
LOCK = threading.Lock()


def emit(record):
    line = json.dumps(record) + "\n"
    with LOCK:
        sys.stdout.write(line)
        sys.stdout.flush()


JSON_TYPE = "application/vnd.pypi.simple.v1+json"


class Handler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = self.translate_path(self.path)
        if self.path.split("?")[0].endswith("/") and JSON_TYPE in self.headers.get("Accept", ""):
            page = os.path.join(path, "index.json")
            if os.path.isfile(page):
                with open(page, "rb") as f:
                    body = f.read()
                self.send_response(200)
                self.send_header("Content-Type", JSON_TYPE)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)
        return super().send_head()

    def log_request(self, code="-", size="-"):
        emit({
            "path": self.path,
            "status": int(code) if str(code).isdigit() else 0,
            "credentials": "Authorization" in self.headers or "@" in self.path.split("?")[0],
            "accept": self.headers.get("Accept", ""),
        })

    def log_message(self, format, *args):
        pass


def main():
    folder = sys.argv[1]
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    server = http.server.ThreadingHTTPServer((host, 0), lambda *a: Handler(*a, directory=folder))
    emit({"port": server.server_address[1]})
    server.serve_forever()


if __name__ == "__main__":
    main()
