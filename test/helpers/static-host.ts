/**
 * A plain static host, as GitHub Pages is for the index: Python's own `http.server` serves the
 * site's files (index.html for folders) with no content negotiation and no redirects by name.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";

export interface StaticHost {
  url: string;
  /** Python's access log so far, one `"GET /path HTTP/1.1" 200` line a request. */
  log(): string;
  close(): void;
}

/** A port nothing listens on now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export async function startStaticHost(dir: string): Promise<StaticHost> {
  const port = await freePort();
  const child = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const host: StaticHost = { url, log: () => log, close: () => void child.kill() };
  // Ready when it answers; a bounded wait, then the error says what Python printed.
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/simple/`).then(
      () => true,
      () => false,
    );
    if (ok) return host;
    await new Promise((r) => setTimeout(r, 50));
  }
  host.close();
  throw new Error(`python3 -m http.server did not start on port ${port}: ${log}`);
}
