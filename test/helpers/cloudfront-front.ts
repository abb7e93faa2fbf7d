/**
 * A small HTTP front that plays CloudFront for the public index: it runs the generated
 * viewer-request CloudFront Function in a VM on every request, fetches the rewritten URI from the
 * bucket (a real S3 protocol, moto_server, signed as Origin Access Control signs), and, when
 * given one, runs a Lambda@Edge origin-response function on the bucket's answer, as CloudFront
 * does on a cache miss.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import vm from "node:vm";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { EdgeHeaders, EdgeResponse as LambdaResponse } from "../../generator/serving/routing/lambda-edge-response.js";
import type { OriginResponseEvent } from "../../generator/serving/routing/upstream-origin-response.js";

interface EdgeValue {
  value: string;
}
interface FunctionResponse {
  statusCode: number;
  headers: Record<string, EdgeValue>;
  body?: { data: string };
}
interface FunctionRequest {
  method: string;
  uri: string;
  querystring: Record<string, EdgeValue>;
  headers: Record<string, EdgeValue>;
}

export interface CloudFrontFront {
  url: string;
  /** One line a request: `GET /path -> status` or `GET /path -> /rewritten status type`. */
  log: string[];
  close(): Promise<void>;
}

export interface FrontOptions {
  /** The viewer-request CloudFront Function's code (cloudfront-js-2.0). */
  viewerRequest: string;
  bucket: string;
  s3: S3Client;
  /** A loaded Lambda@Edge origin-response handler. */
  originResponse?: (event: OriginResponseEvent) => Promise<LambdaResponse>;
}

const toLambdaHeaders = (headers: Record<string, string>): EdgeHeaders => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [{ key: k, value: v }]]));

export async function startCloudFrontFront(options: FrontOptions): Promise<CloudFrontFront> {
  const context = vm.createContext({});
  vm.runInContext(options.viewerRequest, context);
  const handler = vm.runInContext("handler", context) as (event: { version: string; request: FunctionRequest }) => FunctionRequest | FunctionResponse;
  const log: string[] = [];

  /** The origin's answer (S3 object or S3 error), before any origin-response function. */
  async function fromOrigin(key: string, method: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    try {
      const answer = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
      const body = Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
      const headers = { "content-type": answer.ContentType ?? "", "cache-control": answer.CacheControl ?? "", etag: answer.ETag ?? "", "content-length": String(body.length) };
      return { status: 200, headers, body: method === "HEAD" ? Buffer.alloc(0) : body };
    } catch (e) {
      const err = e as Error & { $metadata?: { httpStatusCode?: number } };
      return { status: err.$metadata?.httpStatusCode ?? 502, headers: { "content-type": "application/xml" }, body: Buffer.from(`<Error><Code>${err.name}</Code></Error>`) };
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://edge");
    const querystring: Record<string, EdgeValue> = {};
    // CloudFront hands query values as sent (still percent-encoded).
    for (const part of url.search.slice(1).split("&").filter(Boolean)) {
      const i = part.indexOf("=");
      querystring[i < 0 ? part : part.slice(0, i)] = { value: i < 0 ? "" : part.slice(i + 1) };
    }
    const headers: Record<string, EdgeValue> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = { value: v };
    const method = req.method ?? "GET";
    const result = handler({ version: "1.0", request: { method, uri: url.pathname, querystring, headers } });
    if ("statusCode" in result) {
      log.push(`${method} ${req.url} -> ${result.statusCode}`);
      res.writeHead(result.statusCode, Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k, v.value])));
      res.end(result.body?.data);
      return;
    }
    const key = result.uri.slice(1).split("/").map(decodeURIComponent).join("/");
    void (async () => {
      let answer = await fromOrigin(key, method);
      if (options.originResponse) {
        const request = { method, uri: result.uri, querystring: url.search.slice(1), headers: {} };
        // What CloudFront adds to every origin response; an origin-response function may read these but not change or remove them.
        const readOnly = { via: "1.1 front.example (CloudFront)", ...(answer.status !== 200 ? { "transfer-encoding": "chunked" } : {}) };
        const response = { status: String(answer.status), statusDescription: "", headers: toLambdaHeaders({ ...answer.headers, ...readOnly }) };
        const out = await options.originResponse({ Records: [{ cf: { request, response } }] });
        const outHeaders = Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k, v.map((h) => h.value).join(", ")]));
        const broken = Object.entries(readOnly)
          .filter(([k, v]) => outHeaders[k] !== v)
          .map(([k]) => k);
        if (broken.length > 0) {
          // CloudFront's answer to a function that touched a read-only header.
          answer = { status: 502, headers: { "content-type": "text/plain" }, body: Buffer.from(`The Lambda function result failed validation: read-only header(s) changed: ${broken.join(", ")}\n`) };
        } else {
          for (const k of Object.keys(readOnly)) delete outHeaders[k];
          answer = { status: Number(out.status), headers: outHeaders, body: out.body === undefined ? (out === response ? answer.body : Buffer.alloc(0)) : Buffer.from(out.body) };
        }
      }
      log.push(`${method} ${req.url} -> ${result.uri} ${answer.status}${answer.status === 200 ? ` ${answer.headers["content-type"]}` : ""}`);
      // Vary comes from the response headers policy; the rest is the object's own metadata.
      res.writeHead(answer.status, { vary: "Accept", ...answer.headers });
      res.end(method === "HEAD" ? undefined : answer.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
