/**
 * Lambda@Edge's shapes (CloudFront developer guide, "Lambda@Edge event structure"): headers are
 * `{ lowercase: [{ key, value }] }`, `querystring` is the raw query without `?`, and a function
 * answers with a response whose status is a string. Shared by the private index's viewer-request
 * function and the public index's origin-response function, so both answer alike.
 */

import { STATUS_TEXT } from "./status-text.js";

export type EdgeHeaders = Record<string, { key?: string; value: string }[]>;

export interface EdgeRequest {
  clientIp?: string;
  method: string;
  uri: string;
  querystring: string;
  headers: EdgeHeaders;
}

export interface EdgeResponse {
  status: string;
  statusDescription: string;
  headers: EdgeHeaders;
  body?: string;
  bodyEncoding?: "text" | "base64";
}

const HEADER_CASE: Record<string, string> = {
  "cache-control": "Cache-Control",
  "content-type": "Content-Type",
  location: "Location",
  allow: "Allow",
  "retry-after": "Retry-After",
  "www-authenticate": "WWW-Authenticate",
  "x-content-type-options": "X-Content-Type-Options",
};

/** Repeated headers joined as Node joins them for the local server. */
export function headerValue(headers: EdgeHeaders, name: string): string | undefined {
  const values = headers[name];
  return values && values.length > 0 ? values.map((v) => v.value).join(", ") : undefined;
}

/** Like the local server's sendText: a short plain-text body (none for HEAD), no-store unless set. */
export function textResponse(request: Pick<EdgeRequest, "method">, status: number, text: string, extra: Record<string, string>): EdgeResponse {
  const plain: Record<string, string> = { "cache-control": "no-store", ...extra, "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" };
  const headers: EdgeHeaders = {};
  for (const [name, value] of Object.entries(plain)) headers[name] = [{ key: HEADER_CASE[name] ?? name, value }];
  const response: EdgeResponse = { status: String(status), statusDescription: STATUS_TEXT[status] ?? "Error", headers };
  if (request.method !== "HEAD") {
    response.body = text.endsWith("\n") ? text : `${text}\n`;
    response.bodyEncoding = "text";
  }
  return response;
}
