/**
 * The project's own import graph, file by file, as the TypeScript compiler resolves it (the
 * tsconfig's NodeNext rules, so `./x.js` is `./x.ts`). Every import counts, type-only ones too:
 * a cycle of types still ties the modules' meanings together.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import ts from "typescript";

/** Repository-relative path (with `/`) of a module -> the project's modules it imports. */
export type ImportGraph = Map<string, Set<string>>;

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, "tsconfig.json");
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  return ts.parseJsonConfigFileContent(read.config, ts.sys, root).options;
}

/** The TypeScript modules under `folders` (repository-relative), with what each imports from the repository. */
export function importGraph(root: string, folders: readonly string[]): ImportGraph {
  const options = compilerOptions(root);
  const cache = ts.createModuleResolutionCache(root, (f) => f, options);
  const graph: ImportGraph = new Map();
  const rel = (file: string): string => relative(root, file).split(sep).join("/");
  for (const folder of folders) {
    const files = readdirSync(join(root, folder), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
    for (const file of files) {
      const path = join(root, folder, file);
      const imports = new Set<string>();
      for (const { fileName } of ts.preProcessFile(readFileSync(path, "utf8"), true, true).importedFiles) {
        const resolved = ts.resolveModuleName(fileName, path, options, ts.sys, cache).resolvedModule;
        if (resolved && !resolved.isExternalLibraryImport) imports.add(rel(resolved.resolvedFileName));
      }
      graph.set(rel(path), imports);
    }
  }
  return graph;
}

/** The same graph between folders: a folder imports another when one of its modules imports one of the other's. */
export function folderGraph(graph: ImportGraph): ImportGraph {
  const folderOf = (module: string): string => module.slice(0, module.lastIndexOf("/"));
  const folders: ImportGraph = new Map();
  for (const [module, imports] of graph) {
    const from = folderOf(module);
    const edges = folders.get(from) ?? new Set<string>();
    folders.set(from, edges);
    for (const to of imports) if (folderOf(to) !== from) edges.add(folderOf(to));
  }
  return folders;
}

/** The graph's cycles: each strongly connected set of two or more modules (or one that imports itself), sorted. */
export function importCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative so a deep chain of imports cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; edges: Iterator<string> }[] = [];
    const enter = (node: string): void => {
      index.set(node, next);
      low.set(node, next++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: (graph.get(node) ?? new Set<string>()).values() });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1] as { node: string; edges: Iterator<string> };
      const edge = top.edges.next();
      if (!edge.done) {
        const to = edge.value;
        if (!graph.has(to)) continue;
        if (!index.has(to)) enter(to);
        else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node) as number, index.get(to) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(top.node) as number));
      if (low.get(top.node) !== index.get(top.node)) continue;
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        members.push(member);
      } while (member !== top.node);
      if (members.length > 1 || graph.get(top.node)?.has(top.node)) cycles.push(members.sort());
    }
  }
  return cycles.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}
