import * as pulumi from "@pulumi/pulumi";
import * as github from "@pulumi/github";
import type { TeamConfig } from "../config/stack-schema.js";

export interface TeamsArgs {
  teams: TeamConfig[];
  /** Repositories a team gets when it names none: the index repository and every indexed one. */
  defaultRepositories: string[];
}

/** Resource names must be stable and unique; team and repository names may hold any case. */
const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "-");

/**
 * Team access as code: each team, its members (authoritative: people added by hand are removed
 * on the next `pulumi up`, so the stack config is the one record of who may do what), and its
 * permission on each repository.
 */
export class Teams extends pulumi.ComponentResource {
  readonly teams: github.Team[] = [];
  /** `team → repository: permission`, one line per grant, resolved once every grant exists. */
  readonly grants: pulumi.Output<string[]>;

  constructor(name: string, args: TeamsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("github-pypi:access:Teams", name, {}, opts);
    const grants: pulumi.Output<string>[] = [];
    for (const config of args.teams) {
      const id = slug(config.name);
      const team = new github.Team(`${name}-${id}`, { name: config.name, privacy: "closed", ...(config.description !== undefined ? { description: config.description } : {}) }, { parent: this });
      this.teams.push(team);
      const members = new github.TeamMembers(
        `${name}-${id}`,
        {
          teamId: team.id,
          members: [...config.maintainers.map((username) => ({ username, role: "maintainer" })), ...config.members.map((username) => ({ username, role: "member" }))],
        },
        { parent: team },
      );
      for (const repository of config.repositories ?? args.defaultRepositories) {
        const grant = new github.TeamRepository(`${name}-${id}-${slug(repository)}`, { teamId: team.id, repository, permission: config.permission }, { parent: team, dependsOn: [members] });
        grants.push(pulumi.interpolate`${config.name} → ${grant.repository}: ${grant.permission}`);
      }
    }
    this.grants = pulumi.all(grants);
    this.registerOutputs({ teams: this.teams.map((t) => t.slug), grants: this.grants });
  }
}
