/**
 * What Pulumi stores for a dynamic provider: a shell that forwards every call to the provider
 * runtime, a JavaScript bundle built from the TypeScript beside it (`npm ci` builds it, through
 * `prepare`, into dist/providers/runtime.cjs).
 *
 * Pulumi serialises the provider object into the state, and a separate host process loads that
 * text with `require-from-string`, where no TypeScript loader and no ESM import exists. The text
 * therefore stays this small forwarder with no imports. It finds the runtime by package name from
 * the Pulumi project folder (the host's working directory: `github-pypi/provider-runtime`, the
 * project itself or a dependency of it), so a `pulumi destroy` from another checkout or machine
 * uses that checkout's runtime, never a path baked in from the first one. The shell asks for the
 * runtime's interface by number; a runtime that does not offer it is refused with both numbers.
 */
import type { dynamic } from "@pulumi/pulumi";

/** The runtime interface this shell speaks. Raise it only with a runtime that still serves the old number. */
export const RUNTIME_INTERFACE = 1;

/** The provider runtimes the bundle holds, by name. */
export type RuntimeName = "publication" | "bucketSync";

/** The bundle's exports (infra/provider-runtime.ts). */
export interface ProviderRuntime {
  interfaces: readonly number[];
  providers: Record<RuntimeName, dynamic.ResourceProvider>;
}

type Methods = Required<Pick<dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> & Pick<dynamic.ResourceProvider, "configure">;

/** Loads the runtime in the host process; the module cache makes later calls free. */
function loadRuntime(name: RuntimeName, wanted: number): dynamic.ResourceProvider {
  const { createRequire } = process.getBuiltinModule("node:module");
  const from = process.cwd() + "/";
  let runtime: ProviderRuntime;
  try {
    runtime = createRequire(from)("github-pypi/provider-runtime") as ProviderRuntime;
  } catch (e) {
    throw new Error(`github-pypi: cannot load the provider runtime (github-pypi/provider-runtime) from the Pulumi project ${from}: ${(e as Error).message}; run \`npm ci\` there, which builds it`);
  }
  if (!runtime.interfaces.includes(wanted)) {
    throw new Error(
      `github-pypi: this stack's state needs provider runtime interface ${wanted}, and the installed runtime offers ${runtime.interfaces.join(", ")}; install the github-pypi version that wrote the state`,
    );
  }
  const provider = runtime.providers[name];
  if (!provider) throw new Error(`github-pypi: the provider runtime has no ${name} provider`);
  return provider;
}

/** The forwarding provider for one runtime. Every method is required by the runtime it forwards to. */
export function runtimeShell<P extends dynamic.ResourceProvider>(name: RuntimeName): P {
  const wanted = RUNTIME_INTERFACE;
  const methods = (): Methods => loadRuntime(name, wanted) as Methods;
  const shell: Methods = {
    configure: (req) => (methods().configure ?? (async () => undefined))(req),
    check: (olds, news) => methods().check(olds, news),
    diff: (id, olds, news) => methods().diff(id, olds, news),
    create: (inputs) => methods().create(inputs),
    read: (id, props) => methods().read(id, props),
    update: (id, olds, news) => methods().update(id, olds, news),
    delete: (id, props) => methods().delete(id, props),
  };
  return shell as unknown as P;
}
