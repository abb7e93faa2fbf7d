"""A plain PEP 503 index for tests, written apart from the project's renderer: Python's
http.server over a folder, which prints one JSON line per request to stdout with the path and
whether the request carried credentials (an Authorization header, or user info in the URL).

Usage: upstream_index.py FOLDER  (prints {"port": N} first, then one line a request)
"""
import http.server
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


class Handler(http.server.SimpleHTTPRequestHandler):
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
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: Handler(*a, directory=folder))
    emit({"port": server.server_address[1]})
    server.serve_forever()


if __name__ == "__main__":
    main()
