/** The Pulumi program: every export is a stack output. See stack.ts for what it declares. */
import { defineStack } from "./stack.js";

const stack = await defineStack();

export const title = stack.title;
export const indexMaxAgeSeconds = stack.indexMaxAgeSeconds;
export const yankedReleases = stack.yankedReleases;
export const projects = stack.projects;
export const pagesUrl = stack.pagesUrl;
export const access = stack.access;
export const cdnUrl = stack.cdnUrl;
export const indexUrl = stack.indexUrl;
export const snippets = stack.snippets;
export const indexRepository = stack.indexRepository;
export const teamGrants = stack.teamGrants;
export const publication = stack.publication;
