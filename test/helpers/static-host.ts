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
  // Port 0: the kernel picks the port as Python binds it, and Python prints it. Choosing a free port
  // first and passing it on is a race: another test's server can take it in between, and this host's
  // readiness check (and pip) would then talk to that server.
  const child = spawn("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  let stdout = "";
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const bound = new Promise<number | undefined>((resolve) => {
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /Serving HTTP on \S+ port (\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", () => resolve(undefined));
    setTimeout(() => resolve(undefined), 10_000).unref();
  });
  const close = (): void => void child.kill();
  const port = await bound;
  if (port === undefined) {
    close();
    throw new Error(`python3 -m http.server did not say which port it bound: ${stdout}${log}`);
  }
  const url = `http://127.0.0.1:${port}`;
  const host: StaticHost = { url, log: () => log, close };
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
  throw new Error(`python3 -m http.server did not answer on port ${port}: ${log}`);
}
