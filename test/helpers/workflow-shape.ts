/**
 * A GitHub Actions workflow as far as the example tests read one: its jobs, their steps in order,
 * which job waits for which (`needs`, followed through), the words of a shell command, and the
 * `${{ … }}` expressions in a text. Only the fields the tests judge are typed; the rest is kept.
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const stepSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  shell: z.string().optional(),
  with: z.record(z.string(), scalar).optional(),
  env: z.record(z.string(), scalar).optional(),
});
const permissionsSchema = z.union([z.literal("read-all"), z.literal("write-all"), z.record(z.string(), z.enum(["read", "write", "none"]))]);
const jobSchema = z.looseObject({
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  permissions: permissionsSchema.optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  strategy: z.looseObject({ matrix: z.record(z.string(), z.unknown()).optional() }).optional(),
  steps: z.array(stepSchema).default([]),
});
const workflowSchema = z.looseObject({
  on: z.unknown(),
  permissions: permissionsSchema.optional(),
  jobs: z.record(z.string(), jobSchema),
});

export type Step = z.infer<typeof stepSchema>;
export type Job = z.infer<typeof jobSchema>;
export type Workflow = z.infer<typeof workflowSchema>;
export type Permissions = z.infer<typeof permissionsSchema>;

/** A step and where it is: its job and its place in that job. */
export interface StepAt {
  job: string;
  index: number;
  step: Step;
}

export function parseWorkflow(text: string): Workflow {
  return workflowSchema.parse(parseYaml(text));
}

export function steps(workflow: Workflow, which: (step: Step) => boolean): StepAt[] {
  return Object.entries(workflow.jobs).flatMap(([job, j]) => j.steps.flatMap((step, index) => (which(step) ? [{ job, index, step }] : [])));
}

const needsOf = (job: Job | undefined): string[] => (job?.needs === undefined ? [] : typeof job.needs === "string" ? [job.needs] : job.needs);

/** Every job `job` waits for, directly or through others. */
export function upstreamJobs(workflow: Workflow, job: string): Set<string> {
  const seen = new Set<string>();
  const todo = needsOf(workflow.jobs[job]);
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...needsOf(workflow.jobs[next]));
  }
  return seen;
}

/** Whether `later` can only start once `earlier` has finished: later in the same job, or in a job that waits for its job. */
export function runsAfter(workflow: Workflow, later: StepAt, earlier: StepAt): boolean {
  if (later.job === earlier.job) return later.index > earlier.index;
  return upstreamJobs(workflow, later.job).has(earlier.job);
}

/** The `${{ … }}` expressions in a text, each without its braces and trimmed. */
export function expressions(text: string): string[] {
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => (m[1] ?? "").trim());
}

/** A shell command line split into words as the shell would (quotes removed; `$VAR` and globs left as written). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < command.length) word = (word ?? "") + command[++i];
      else word = (word ?? "") + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && command[i + 1] === "\n") {
      i++;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The scopes a job's token may write, from its own permissions or else the workflow's (GitHub's default grants write: "default"). */
export function writeScopes(workflow: Workflow, job: string): string[] {
  const permissions = workflow.jobs[job]?.permissions ?? workflow.permissions;
  if (permissions === undefined) return ["default"];
  if (permissions === "write-all") return ["all"];
  if (permissions === "read-all") return [];
  return Object.entries(permissions)
    .filter(([, level]) => level === "write")
    .map(([scope]) => scope)
    .sort();
}
