import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { tempWorkspaces } from "../../test/temp-workspaces.ts";
import { LeasesStore } from "./leases-store.ts";
import type { Workspace } from "./workspace.ts";

const workspace = tempWorkspaces("jobdistill-leases-");

/** Two processes of one machine on one database, with a clock and a set of live pids the test moves. */
function twoProcesses(db: Workspace["db"]) {
  const clock = { now: 1_000_000 };
  const alive = new Set([101, 202]);
  const store = (pid: number) =>
    new LeasesStore(db, { now: () => clock.now, isAlive: (p) => alive.has(p), host: "box", pid });
  return { clock, alive, first: store(101), second: store(202) };
}

describe("LeasesStore", () => {
  it("gives an item to one live holder at a time, and back to anyone once released", () => {
    const { first, second } = twoProcesses(workspace().db);
    const a = first.holder({ scope: "classify", ttlMs: 10_000 });
    const b = second.holder({ scope: "classify", ttlMs: 10_000 });
    expect(a.holder).toMatch(/^101-[0-9a-f]{12}$/);
    expect(a.holder).not.toBe(b.holder);
    expect(a.claim("k1")).toBe("claimed");
    expect(a.claim("k1")).toBe("claimed");
    expect(b.claim("k1")).toBe("held");
    expect(b.claim("k2")).toBe("claimed");
    expect(a.claim("k2")).toBe("held");
    const other = second.holder({ scope: "judge", ttlMs: 10_000 });
    expect(other.claim("k1")).toBe("claimed");
    b.release("k1"); // not b's: nothing changes
    expect(b.claim("k1")).toBe("held");
    a.release("k1");
    expect(b.claim("k1")).toBe("claimed");
  });

  it("keeps an item given up while its holder lives, so the others do not retry it meanwhile", () => {
    const { first, second } = twoProcesses(workspace().db);
    const a = first.holder({ scope: "classify", ttlMs: 10_000 });
    const b = second.holder({ scope: "classify", ttlMs: 10_000 });
    expect(a.claim("k1")).toBe("claimed");
    b.giveUp("k1"); // not b's: nothing changes
    expect(b.claim("k1")).toBe("held");
    a.giveUp("k1");
    expect(b.claim("k1")).toBe("given-up");
    a.close();
    expect(b.claim("k1")).toBe("claimed");
    const c = first.holder({ scope: "classify", ttlMs: 10_000 });
    expect(c.claim("k1")).toBe("held"); // b's claim cleared the mark
  });

  it("frees a lease after its time-to-live without renewal, and renewal keeps it", () => {
    const { clock, first, second } = twoProcesses(workspace().db);
    const a = first.holder({ scope: "classify", ttlMs: 10_000 });
    const b = second.holder({ scope: "classify", ttlMs: 10_000 });
    expect(a.renewEveryMs).toBe(3333);
    expect(a.pollEveryMs).toBe(1000);
    expect(a.claim("k1")).toBe("claimed");
    clock.now += 9_000;
    a.renew();
    clock.now += 9_000;
    expect(b.claim("k1")).toBe("held");
    expect(first.holderIsAlive(a.holder)).toBe(true);
    clock.now += 1_000; // 10 s since the last renewal: a hung holder loses its items
    expect(first.holderIsAlive(a.holder)).toBe(false);
    b.renew();
    expect(b.claim("k1")).toBe("claimed");
    expect(a.claim("k1")).toBe("held");
  });

  it("frees the items of a holder whose process is gone at once, and of a closed holder", () => {
    const { alive, first, second } = twoProcesses(workspace().db);
    const a = first.holder({ scope: "classify", ttlMs: 60_000 });
    const b = second.holder({ scope: "classify", ttlMs: 60_000 });
    expect(a.claim("k1")).toBe("claimed");
    expect(b.claim("k2")).toBe("claimed");
    alive.delete(101); // SIGKILLed
    expect(second.holderIsAlive(a.holder)).toBe(false);
    expect(b.claim("k1")).toBe("claimed");
    b.close();
    expect(second.holderIsAlive(b.holder)).toBe(false);
    const c = second.holder({ scope: "classify", ttlMs: 60_000 });
    expect(c.claim("k2")).toBe("claimed");
  });

  it("clears what dead holders left behind when a holder closes, and leaves live holders' leases", () => {
    const db = workspace().db;
    const { alive, first, second } = twoProcesses(db);
    const third = new LeasesStore(db, {
      now: () => 1_000_000,
      isAlive: (p) => alive.has(p),
      host: "box",
      pid: 303,
    });
    alive.add(303);
    const dead = first.holder({ scope: "classify", ttlMs: 60_000 });
    const survivor = second.holder({ scope: "classify", ttlMs: 60_000 });
    const bystander = third.holder({ scope: "classify", ttlMs: 60_000 });
    expect(dead.claim("stored-but-not-released")).toBe("claimed");
    expect(bystander.claim("in-flight")).toBe("claimed");
    alive.delete(101); // SIGKILLed after storing its answer, before releasing the lease
    const count = (table: string) => db.prepare(`SELECT count(*) AS n FROM ${table}`).get();
    expect(count("leases")).toEqual({ n: 2 });
    survivor.close();
    expect(db.prepare("SELECT item_key FROM leases").all()).toEqual([{ item_key: "in-flight" }]);
    expect(db.prepare("SELECT holder FROM lease_holders").all()).toEqual([{ holder: bystander.holder }]);
  });

  it("asks the operating system whether a holder's process of this machine still runs", () => {
    const db = workspace().db;
    // A process that has ended: its pid no longer runs (pids are not reused this soon).
    const ended = spawnSync(process.execPath, ["-e", "0"]).pid;
    const gone = new LeasesStore(db, { pid: ended }).holder({ scope: "classify", ttlMs: 60_000 });
    const live = new LeasesStore(db).holder({ scope: "classify", ttlMs: 60_000 });
    expect(gone.claim("k1")).toBe("claimed");
    expect(live.claim("k2")).toBe("claimed");
    const other = new LeasesStore(db, { pid: 999_999 }).holder({ scope: "classify", ttlMs: 60_000 });
    expect(other.claim("k1")).toBe("claimed");
    expect(other.claim("k2")).toBe("held");
  });

  it("trusts only the time-to-live for a holder on another machine", () => {
    const db = workspace().db;
    const clock = { now: 0 };
    const elsewhere = new LeasesStore(db, {
      now: () => clock.now,
      isAlive: () => false,
      host: "other",
      pid: 7,
    });
    const here = new LeasesStore(db, { now: () => clock.now, isAlive: () => false, host: "box", pid: 8 });
    const remote = elsewhere.holder({ scope: "classify", ttlMs: 5_000 });
    const local = here.holder({ scope: "classify", ttlMs: 5_000 });
    expect(remote.claim("k")).toBe("claimed");
    expect(local.claim("k")).toBe("held");
    clock.now = 5_000;
    expect(local.claim("k")).toBe("claimed");
  });
});

describe("RunsStore.markAbandoned", () => {
  it("marks interrupted the runs whose holder died or that have none, never one whose holder is alive", () => {
    const opened = workspace();
    const live = opened.leases.holder({ scope: "classify" });
    const dead = opened.leases.holder({ scope: "classify" });
    const running = opened.runs.start({ kind: "label", holder: live.holder });
    const orphan = opened.runs.start({ kind: "label", holder: dead.holder });
    const old = opened.runs.start({ kind: "train" });
    dead.close();
    expect(opened.runs.markAbandoned()).toBe(2);
    expect(opened.runs.get(running)?.status).toBe("running");
    expect(opened.runs.get(orphan)?.status).toBe("interrupted");
    expect(opened.runs.get(old)?.status).toBe("interrupted");
    live.close();
    expect(opened.runs.markAbandoned()).toBe(1);
    expect(opened.runs.get(running)?.status).toBe("interrupted");
  });
});
