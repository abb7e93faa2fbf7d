/**
 * A real `moto_server` (Python moto's S3 and CloudFront) on a free local port, behind a small
 * recording front: every request the code under test makes goes through it and is kept in
 * `requests` (service, operation, bucket and key, the Content-MD5 check, status, and when it
 * started and ended on one shared clock), so tests can count requests and prove their order
 * whatever moto itself records. The front can also answer chosen requests with an error
 * (throttling, 5xx, AccessDenied) and, unlike moto, refuses a PUT whose Content-MD5 does not
 * match its body with 400 BadDigest, as S3 does.
 *
 * Nothing global is set: callers point their clients at `endpoint` (recorded) or `motoEndpoint`
 * (direct, for the test's own set-up and checks). A missing `moto_server` is an error, not a skip.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CloudFrontClient, CreateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

/** moto accepts any credentials; these are the conventional ones. */
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

export interface MotoSite {
  s3: S3Client;
  cloudfront: CloudFrontClient;
  /** A distribution in front of the bucket, for invalidations. */
  distributionId: string;
}

export interface RecordedRequest {
  /** Order of arrival at the front. */
  seq: number;
  /** The shared clock when the request arrived and when its answer was sent: `a.ended < b.started` means a was answered before b was sent. */
  started: number;
  ended: number;
  /** The SigV4 credential scope's service: `s3`, `cloudfront`, ... */
  service: string;
  /** PutObject, ListObjectsV2, DeleteObjects, HeadObject, CreateInvalidation, ... */
  operation: string;
  method: string;
  path: string;
  query: string;
  bucket?: string;
  /** The decoded object key, for object operations. */
  key?: string;
  headers: http.IncomingHttpHeaders;
  /** Request body bytes. */
  bytes: number;
  /** The request body, except for PutObject (whose bytes the test reads back from moto instead). */
  body?: Buffer;
  /** PutObject: whether a Content-MD5 header was sent and equals the body's MD5. */
  md5Ok?: boolean;
  status: number;
  /** Set when the front answered with an injected fault instead of asking moto. */
  fault?: string;
}

export interface Fault {
  /** Which requests: by operation and, optionally, key. */
  operation: string;
  key?: string;
  status: number;
  code: string;
  message?: string;
  /** How many matching requests get the fault; default: all until removed. */
  times?: number;
}

const START_TIMEOUT_MS = 30_000;

function classify(method: string, path: string, query: string, authorization: string): Pick<RecordedRequest, "service" | "operation" | "bucket" | "key"> {
  const scope = /Credential=[^/,]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(authorization);
  const service = scope?.[1] ?? (path.startsWith("/2020-05-31/") ? "cloudfront" : "s3");
  if (service === "cloudfront") {
    let operation = `${method} ${path}`;
    if (/^\/2020-05-31\/distribution\/?$/.test(path)) operation = method === "POST" ? "CreateDistribution" : "ListDistributions";
    else if (/^\/2020-05-31\/distribution\/[^/]+\/invalidation\/?$/.test(path)) operation = method === "POST" ? "CreateInvalidation" : "ListInvalidations";
    else if (/^\/2020-05-31\/distribution\/[^/]+\/invalidation\/[^/]+$/.test(path)) operation = "GetInvalidation";
    return { service, operation };
  }
  const [bucketPart = "", ...rest] = path.slice(1).split("/");
  const bucket = decodeURIComponent(bucketPart);
  const key = rest.length > 0 ? decodeURIComponent(rest.join("/")) : "";
  const params = new URLSearchParams(query);
  if (key === "") {
    const operation =
      method === "GET"
        ? params.get("list-type") === "2"
          ? "ListObjectsV2"
          : "ListObjects"
        : method === "PUT"
          ? "CreateBucket"
          : method === "POST" && params.has("delete")
            ? "DeleteObjects"
            : method === "DELETE"
              ? "DeleteBucket"
              : method === "HEAD"
                ? "HeadBucket"
                : `${method} bucket`;
    return { service, operation, bucket };
  }
  const operation = method === "PUT" ? "PutObject" : method === "GET" ? "GetObject" : method === "HEAD" ? "HeadObject" : method === "DELETE" ? "DeleteObject" : `${method} object`;
  return { service, operation, bucket, key };
}

function errorBody(service: string, code: string, message: string): string {
  if (service === "cloudfront")
    return `<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>`;
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault</RequestId></Error>`;
}

export class MotoServer {
  /** Every request that went through `endpoint`, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** moto's own output, for failure messages. */
  log = "";
  private clock = 0;
  private faults: (Fault & { left: number })[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly front: http.Server,
    /** moto itself, not recorded: for the test's own set-up and checks. */
    readonly motoEndpoint: string,
    /** The recording front: give this to the code under test. */
    readonly endpoint: string,
  ) {}

  static async start(): Promise<MotoServer> {
    // Port 0: the kernel picks the port as moto binds it, and moto prints it. Choosing a free port
    // first is a race: another test's server can take it in between, and this one would talk to it.
    const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    let announced: (port: number) => void = () => undefined;
    const onOutput = (d: Buffer): void => {
      log += d.toString();
      if (motoEndpoint !== "") return;
      const m = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) announced(Number(m[1]));
    };
    let motoEndpoint = "";
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    try {
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + START_TIMEOUT_MS;
        child.once("error", (e: NodeJS.ErrnoException) => {
          reject(
            new Error(
              e.code === "ENOENT"
                ? "moto_server is not on PATH: the S3 sync tests need a real moto server; install it with `python3 -m pip install 'moto[server]'` (CI does)"
                : `moto_server could not be started: ${e.message}`,
            ),
          );
        });
        child.once("exit", (code, signal) => reject(new Error(`moto_server exited (${code ?? signal}) before answering:\n${log}`)));
        const poll = async (): Promise<void> => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          try {
            const res = await fetch(`${motoEndpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
            await res.arrayBuffer();
            if (res.ok) return resolve();
          } catch {
            // not listening yet
          }
          if (Date.now() > deadline) return reject(new Error(`moto_server did not answer on ${motoEndpoint} within ${START_TIMEOUT_MS / 1000} s:\n${log}`));
          setTimeout(() => void poll(), 100);
        };
        const timer = setTimeout(() => reject(new Error(`moto_server did not say which port it bound within ${START_TIMEOUT_MS / 1000} s:\n${log}`)), START_TIMEOUT_MS);
        announced = (port) => {
          announced = () => undefined;
          clearTimeout(timer);
          motoEndpoint = `http://127.0.0.1:${port}`;
          void poll();
        };
        onOutput(Buffer.alloc(0));
      });
    } catch (e) {
      child.kill("SIGKILL");
      process.removeListener("exit", killOnExit);
      throw e;
    }
    const holder: { server?: MotoServer } = {};
    const front = http.createServer((req, res) => void holder.server?.handle(req, res));
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    const server = new MotoServer(child, front, motoEndpoint, `http://127.0.0.1:${(front.address() as AddressInfo).port}`);
    holder.server = server;
    server.log = log;
    child.stdout?.off("data", onOutput);
    child.stderr?.off("data", onOutput);
    child.stdout?.on("data", (d: Buffer) => (server.log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (server.log += d.toString()));
    child.once("exit", () => process.removeListener("exit", killOnExit));
    return server;
  }

  /** Answer matching requests with an error instead of asking moto; returns a function that removes the fault. */
  fault(f: Fault): () => void {
    const entry = { ...f, left: f.times ?? Number.POSITIVE_INFINITY };
    this.faults.push(entry);
    return () => {
      this.faults = this.faults.filter((x) => x !== entry);
    };
  }

  /** The requests from index `from` on, optionally of one operation. */
  since(from: number, operation?: string): RecordedRequest[] {
    return this.requests.slice(from).filter((r) => operation === undefined || r.operation === operation);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = ++this.clock;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? "" : url.slice(q + 1);
    const method = req.method ?? "GET";
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const what = classify(method, path, query, String(req.headers.authorization ?? ""));
    const record: RecordedRequest = { seq: this.requests.length, started, ended: 0, ...what, method, path, query, headers: req.headers, bytes: body.length, status: 0 };
    if (what.operation !== "PutObject") record.body = body;
    this.requests.push(record);

    const answer = (status: number, headers: http.OutgoingHttpHeaders, payload: Buffer | string) => {
      record.status = status;
      record.ended = ++this.clock;
      res.writeHead(status, headers);
      res.end(method === "HEAD" ? undefined : payload);
    };

    if (what.operation === "PutObject") {
      const sent = req.headers["content-md5"];
      record.md5Ok = typeof sent === "string" && sent === createHash("md5").update(body).digest("base64");
      if (typeof sent === "string" && !record.md5Ok) {
        record.fault = "BadDigest";
        return answer(400, { "content-type": "application/xml" }, errorBody("s3", "BadDigest", "The Content-MD5 you specified did not match what we received."));
      }
    }
    const fault = this.faults.find((f) => f.left > 0 && f.operation === what.operation && (f.key === undefined || f.key === what.key));
    if (fault) {
      fault.left--;
      record.fault = fault.code;
      return answer(fault.status, { "content-type": "application/xml" }, errorBody(what.service, fault.code, fault.message ?? `injected ${fault.code}`));
    }

    const target = new URL(this.motoEndpoint);
    const upstream = http.request({ host: target.hostname, port: target.port, method, path: url, headers: req.headers });
    upstream.on("response", (up) => {
      void (async () => {
        const parts: Buffer[] = [];
        for await (const c of up) parts.push(c as Buffer);
        const headers = { ...up.headers };
        delete headers["transfer-encoding"];
        const payload = Buffer.concat(parts);
        if (method !== "HEAD") headers["content-length"] = String(payload.length);
        answer(up.statusCode ?? 502, headers, payload);
      })();
    });
    upstream.on("error", (e) => answer(502, { "content-type": "text/plain" }, `front: moto did not answer: ${e.message}`));
    upstream.end(body);
  }

  /** Clients on moto itself (not recorded), a bucket, and a CloudFront distribution in front of it. */
  async createSite(bucket: string, region: string, callerReference: string): Promise<MotoSite> {
    const s3 = new S3Client({ region, endpoint: this.motoEndpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
    const cloudfront = new CloudFrontClient({ region, endpoint: this.motoEndpoint, credentials: MOTO_CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const made = await cloudfront.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: callerReference,
          Comment: "package index",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "site", DomainName: `${bucket}.s3.${region}.amazonaws.com`, S3OriginConfig: { OriginAccessIdentity: "" } }] },
          DefaultCacheBehavior: { TargetOriginId: "site", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        },
      }),
    );
    const distributionId = made.Distribution?.Id;
    if (!distributionId) throw new Error("moto made no distribution");
    return { s3, cloudfront, distributionId };
  }

  async stop(): Promise<void> {
    this.front.closeAllConnections();
    await new Promise<void>((resolve) => this.front.close(() => resolve()));
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
      this.child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill("SIGTERM");
    });
  }
}
