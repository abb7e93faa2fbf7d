/**
 * How the catalog shows a PEP 792 status that is not `active`: a badge on the landing page's row,
 * with the reason, and a notice at the top of the project page saying what the status means for
 * someone about to install.
 */
import type { ProjectStatusName } from "../config/schema.js";
import type { ProjectStatus } from "../model/project.js";
import { escapeHtml } from "../render/escape.js";

const MEANING: Readonly<Record<Exclude<ProjectStatusName, "active">, string>> = {
  archived: "No new releases are expected. Its files are still offered.",
  deprecated: "Its maintainers advise against new use; it may have been replaced. Its files are still offered.",
  quarantined: "Considered unsafe to use. The index offers none of its files.",
};

const label = (s: ProjectStatus): string => s.status.charAt(0).toUpperCase() + s.status.slice(1);

/** The landing row's badge and reason; nothing for an active project. */
export function statusBadge(status: ProjectStatus | undefined): string {
  if (status === undefined || status.status === "active") return "";
  return ` <span class="badge status-${status.status}">${status.status}</span>${status.reason ? `<p class="status-reason status-${status.status}">${escapeHtml(status.reason)}</p>` : ""}`;
}

/** The project page's notice; nothing for an active project. */
export function statusNotice(status: ProjectStatus | undefined): string {
  if (status === undefined || status.status === "active") return "";
  const reason = status.reason ? ` <span class="status-reason">${escapeHtml(status.reason)}</span>` : "";
  return `<div class="status-notice status-${status.status}" role="note"><strong>${label(status)}.</strong> ${MEANING[status.status]}${reason}</div>\n`;
}
