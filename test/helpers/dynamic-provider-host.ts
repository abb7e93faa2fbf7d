/**
 * Runs Pulumi's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) in a separate
 * plain `node` process, with no TypeScript loader, and talks to it over gRPC the way the engine
 * does. The host deserialises the provider from the `__provider` property with
 * `require-from-string`, so this exercises the exact path a real `pulumi up` takes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as providerPb from "@pulumi/pulumi/proto/provider_pb.js";
import type * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb.js";
import type * as structPb from "google-protobuf/google/protobuf/struct_pb.js";
import * as pulumi from "@pulumi/pulumi";
import { repoRoot } from "./paths.js";

// Load the same copies of grpc and the protobuf classes that @pulumi/pulumi itself uses.
const pulumiRequire = createRequire(join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"));
const grpc = pulumiRequire("@grpc/grpc-js") as typeof grpcTypes;
const pb = pulumiRequire("./proto/provider_pb") as typeof providerPb;
const rpc = pulumiRequire("./proto/provider_grpc_pb") as typeof providerGrpc;
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as typeof structPb;
const HOST = join(dirname(pulumiRequire.resolve("./cmd/dynamic-provider/index.js")), "index.js");

type Props = Record<string, unknown>;

/**
 * Sets Pulumi's mocks so that declaring a dynamic resource hands its `__provider` text to the test,
 * exactly as the SDK sends it to the engine. Call once per test process, before declaring; then
 * await the returned function with the resource's type token.
 */
export function captureSerialisedProviders(): (type: string) => Promise<string> {
  const registered = new Map<string, Record<string, unknown>>();
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.set(args.type, args.inputs as Record<string, unknown>);
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    "github-pypi",
    "dev",
  );
  return async (type) => {
    // Registration is asynchronous: the serialisation finishes a few turns after the declaration.
    for (let i = 0; i < 100 && !registered.has(type); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const text = registered.get(type)?.__provider;
    if (typeof text !== "string") throw new Error(`no serialised provider was registered for ${type}`);
    return text;
  };
}

/** What the host does with `__provider`, in this process: the same require-from-string copy, then `handler()`. */
export function loadProviderFromText<T>(text: string): T {
  const requireFromString = pulumiRequire("require-from-string") as (code: string) => { handler: () => T };
  return requireFromString(text).handler();
}
const toStruct = (v: Props) => Struct.fromJavaScript(v as Parameters<typeof Struct.fromJavaScript>[0]);

export interface CheckOutcome {
  inputs: Props;
  failures: { property: string; reason: string }[];
}

export interface DiffOutcome {
  changes: "none" | "some" | "unknown";
  replaces: string[];
}

export class DynamicProviderHost {
  /** Everything the host wrote to stderr (provider console output and errors). */
  stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: providerGrpc.ResourceProviderClient,
  ) {
    child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
  }

  /** `env` is the whole environment of the host (the engine passes its own; tests pass a clean one). */
  static async start(env: NodeJS.ProcessEnv): Promise<DynamicProviderHost> {
    // The engine address is required on the command line; the host never dials it for these calls.
    const child = spawn(process.execPath, [HOST, "127.0.0.1:1"], { env: { ...env, PULUMI_NODEJS_PROJECT: "github-pypi" }, stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const line = /^(\d+)\n/.exec(out);
        if (line?.[1]) resolve(line[1]);
      });
      child.once("exit", (code) => reject(new Error(`dynamic provider host exited with ${code}: ${err}`)));
    });
    const client = new rpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new DynamicProviderHost(child, client);
  }

  private unary<Req, Res>(method: (req: Req, cb: (e: grpcTypes.ServiceError | null, r: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method(req, (e, r) => (e ? reject(new Error(e.details || e.message)) : resolve(r)));
    });
  }

  /** The engine sends the stack's configuration (secrets unwrapped) before any resource call. */
  async configure(config: Record<string, string>): Promise<void> {
    const req = new pb.ConfigureRequest().setArgs(toStruct(config)).setAcceptsecrets(false);
    await this.unary((r, cb) => this.client.configure(r, cb), req);
  }

  async check(urn: string, olds: Props, news: Props): Promise<CheckOutcome> {
    const req = new pb.CheckRequest().setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
    const res = await this.unary<providerPb.CheckRequest, providerPb.CheckResponse>((r, cb) => this.client.check(r, cb), req);
    return {
      inputs: res.getInputs()?.toJavaScript() ?? {},
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<DiffOutcome> {
    const req = new pb.DiffRequest().setId(id).setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
    const res = await this.unary<providerPb.DiffRequest, providerPb.DiffResponse>((r, cb) => this.client.diff(r, cb), req);
    const kinds = { [pb.DiffResponse.DiffChanges.DIFF_NONE]: "none", [pb.DiffResponse.DiffChanges.DIFF_SOME]: "some", [pb.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown" } as const;
    return { changes: kinds[res.getChanges()], replaces: res.getReplacesList() };
  }

  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const req = new pb.CreateRequest().setUrn(urn).setProperties(toStruct(properties));
    const res = await this.unary<providerPb.CreateRequest, providerPb.CreateResponse>((r, cb) => this.client.create(r, cb), req);
    return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {} };
  }

  async read(id: string, urn: string, properties: Props): Promise<{ id: string; properties: Props; inputs: Props }> {
    const req = new pb.ReadRequest().setId(id).setUrn(urn).setProperties(toStruct(properties));
    const res = await this.unary<providerPb.ReadRequest, providerPb.ReadResponse>((r, cb) => this.client.read(r, cb), req);
    return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {}, inputs: res.getInputs()?.toJavaScript() ?? {} };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<Props> {
    const req = new pb.UpdateRequest().setId(id).setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
    const res = await this.unary<providerPb.UpdateRequest, providerPb.UpdateResponse>((r, cb) => this.client.update(r, cb), req);
    return res.getProperties()?.toJavaScript() ?? {};
  }

  async delete(id: string, urn: string, properties: Props): Promise<void> {
    const req = new pb.DeleteRequest().setId(id).setUrn(urn).setProperties(toStruct(properties));
    await this.unary((r, cb) => this.client.delete(r, cb), req);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill();
    });
  }
}
