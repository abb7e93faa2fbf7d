import type { Command, Option } from "commander";
import { code, generatedNote, table } from "./markdown.js";

/** What an option's row says beyond its help text: that it is required, the values it takes, its environment variable. */
function notes(option: Option): string {
  const parts = [option.description];
  if (option.mandatory) parts.push("required");
  if (option.argChoices) parts.push(`one of ${option.argChoices.map(code).join(", ")}`);
  if (option.envVar) parts.push(`environment variable \`${option.envVar}\``);
  return parts.join("; ");
}

/** The default commander applies; a negated flag's implied `true` is no default a reader sets. */
function defaultOf(option: Option): string {
  if (option.negate || option.defaultValue === undefined) return "";
  return code(option.defaultValueDescription ?? option.defaultValue);
}

function optionsTable(cmd: Command): string {
  const help = cmd.createHelp();
  return table(
    ["option", "what it does", "default"],
    help.visibleOptions(cmd).map((o) => [`\`${help.optionTerm(o)}\``, notes(o), defaultOf(o)]),
  );
}

function section(cmd: Command, name: string): string {
  const help = cmd.createHelp();
  const args = help.visibleArguments(cmd);
  return [
    `## \`${name}\``,
    "",
    `\`${help.commandUsage(cmd)}\``,
    "",
    `${cmd.description()}.`,
    ...(args.length
      ? [
          "",
          table(
            ["argument", "what it is"],
            args.map((a) => [`\`${help.argumentTerm(a)}\``, a.description]),
          ),
        ]
      : []),
    "",
    optionsTable(cmd),
  ].join("\n");
}

/** docs/reference/cli.md: every command, argument and option, from the program the command runs. */
export function cliPage(program: Command): string {
  const name = program.name();
  const { commands } = program;
  return [
    "# Command-line reference",
    "",
    generatedNote("the command's own definitions (generator/cli/program.ts)"),
    "",
    `\`${name} [options] [command]\`: ${program.description()}`,
    "",
    commands.map((c) => `- [\`${name} ${c.name()}\`](#${name}-${c.name()}): ${c.description()}`).join("\n"),
    "",
    "The program's own options:",
    "",
    optionsTable(program),
    "",
    ...commands.flatMap((c) => [section(c, `${name} ${c.name()}`), ""]),
  ].join("\n");
}
