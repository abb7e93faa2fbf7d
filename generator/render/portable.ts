/**
 * Pages a thread other than the build's can render (the folder publisher's page writer): which
 * renderer, and its input as plain data that can be sent between threads. The same page as the
 * build's own renderer gives, byte for byte.
 */
import { renderProjectHtml } from "./simple-html.js";
import { renderProjectJson } from "./simple-json.js";
import { simpleProjectOf, type SimplePagesData } from "./simple-view.js";

export interface PortablePage {
  renderer: "simple-html" | "simple-json";
  data: SimplePagesData;
}

let last: { data: SimplePagesData; read: ReturnType<typeof simpleProjectOf> } | undefined;

export function renderPortable(page: PortablePage): string {
  // A project's two pages come one after the other with the same data: it is read back once.
  if (last?.data !== page.data) last = { data: page.data, read: simpleProjectOf(page.data) };
  const { project, namespaces } = last.read;
  return page.renderer === "simple-html" ? renderProjectHtml(project) : renderProjectJson(project, namespaces);
}
