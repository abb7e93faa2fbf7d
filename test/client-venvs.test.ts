/**
 * The client matrix's installs: the pinned file agrees with what it was written from, every
 * section is exact and hashed, and the lock that lets one test process install while the others
 * wait survives a holder that died.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PINS, TOOL_PINS } from "./clients/clients.js";
import { pinnedSections, pinnedTools, pinnedVenvs, withLock } from "./helpers/client-venvs.js";
import { tempDir } from "./helpers/paths.js";

test("requirements.txt has one section per pin, on the pin's Python, every line exact and hashed", () => {
  const sections = pinnedVenvs();
  assert.deepEqual(
    sections.map((s) => `${s.venv} ${s.python} ${s.client}==${s.version}`),
    PINS.map((p) => `${p.venv} ${p.python} ${p.requirement}`),
    "test/clients/requirements.txt is out of date: run node --import tsx scripts/pin-clients.ts",
  );
  for (const s of sections) {
    const pins = s.requirements.split("\n").filter((l) => /^[A-Za-z0-9]/.test(l));
    assert.ok(pins.length > 0, s.venv);
    // Each requirement is followed by at least one --hash line before the next requirement.
    const blocks = s.requirements.split(/\n(?=[A-Za-z0-9])/);
    for (const block of blocks) assert.match(block, /==\S+[\s\S]*--hash=sha256:[0-9a-f]{64}/, `${s.venv}: ${block.split("\n")[0]}`);
  }
});

test("the tools are pinned in sections of their own, hashed the same way, and are no client of the matrix", () => {
  const tools = pinnedTools();
  assert.deepEqual(
    tools.map((t) => `${t.venv} ${t.python} ${[...t.pins].map(([n, v]) => `${n}==${v}`).join(" ")}`),
    TOOL_PINS.map((t) => `${t.venv} ${t.python} ${t.requirements.join(" ")}`),
    "test/clients/requirements.txt is out of date: run node --import tsx scripts/pin-clients.ts",
  );
  for (const t of tools) {
    for (const block of t.requirements.split(/\n(?=[A-Za-z0-9])/)) assert.match(block, /==\S+[\s\S]*--hash=sha256:[0-9a-f]{64}/, `${t.venv}: ${block.split("\n")[0]}`);
  }
  const clients = new Set(pinnedVenvs().map((p) => p.venv));
  for (const t of tools) assert.ok(!clients.has(t.venv), `${t.venv} is listed among the clients`);
  // A tool section after the last client does not become part of that client's requirements.
  const text = "# venv pip-1.0 python 3.12\npip==1.0 \\\n    --hash=sha256:00\n\n# tool t python 3.12: a==1 b==2\na==1 \\\n    --hash=sha256:00\nb==2 \\\n    --hash=sha256:00\n";
  assert.deepEqual(
    pinnedVenvs(text).map((p) => p.requirements),
    ["pip==1.0 \\\n    --hash=sha256:00\n"],
  );
  assert.deepEqual(
    pinnedSections(text).map((p) => `${p.kind} ${p.venv}`),
    ["client pip-1.0", "tool t"],
  );
  assert.throws(() => pinnedTools(text.replace(": a==1 b==2", ": a==1 b==3")), /tool t names b==3 but its section pins b==2/);
  assert.throws(() => pinnedTools(text.replace(": a==1 b==2", ": a==1 c==2")), /section t does not pin c/);
  assert.throws(() => pinnedTools(text.replace(": a==1 b==2", ": a b==2")), /tool t: "a" is not an exact pin/);
});

test("a section that is not an exact pin is refused, naming it", () => {
  assert.throws(() => pinnedVenvs("# venv x python 3.12\nx>=1.0 \\\n    --hash=sha256:00\n"), /section x does not pin x/);
  assert.throws(() => pinnedVenvs("# venv x python 3.12\nx==1.0 \\\n    --hash=sha256:00\nidna>=3 \\\n    --hash=sha256:00\n"), /section x: "idna>=3 \\" is not an exact pin/);
  assert.throws(() => pinnedVenvs("# venv y python three\ny==1\n"), /must read "# venv NAME python X\.Y"/);
});

test("the install lock: holders take turns, and a lock whose holder died is taken over", async () => {
  const dir = join(tempDir("venv-lock"), "v");
  const order: string[] = [];
  const hold = (name: string, ms: number) =>
    withLock(dir, async () => {
      order.push(`${name} in`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`${name} out`);
    });
  await Promise.all([hold("a", 300), hold("b", 10)]);
  assert.deepEqual(order, ["a in", "a out", "b in", "b out"]);

  // A lock left by a process that has exited.
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  mkdirSync(`${dir}.lock`);
  writeFileSync(join(`${dir}.lock`, "pid"), dead.stdout);
  let ran = false;
  await withLock(dir, async () => void (ran = true));
  assert.ok(ran);
  assert.equal(existsSync(`${dir}.lock`), false, "released after use");
});
