/**
 * Reason phrases of the statuses the edge answers itself (Node's http.STATUS_CODES is not there):
 * shared by the CloudFront Function and the Lambda@Edge functions, so both say the same.
 */
export const STATUS_TEXT: Record<number, string> = {
  301: "Moved Permanently",
  302: "Found",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  500: "Internal Server Error",
  503: "Service Unavailable",
};
