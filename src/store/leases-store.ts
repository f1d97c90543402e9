import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import { z } from "zod";
import type { ItemClaims } from "../core/ports.ts";

/** How long a lease lasts without renewal. @default 30 s */
export const DEFAULT_LEASE_TTL_MS = 30_000;

export interface LeasesStoreOptions {
  /** Milliseconds since the epoch. @default Date.now */
  now?: (() => number) | undefined;
  /** Whether a process of this machine is alive. @default a signal-0 probe */
  isAlive?: ((pid: number) => boolean) | undefined;
  /** This machine's name: a holder's pid is only checked on the machine that recorded it. @default os.hostname() */
  host?: string | undefined;
  /** @default process.pid */
  pid?: number | undefined;
}

export interface HolderOptions {
  /** What the item keys belong to (a task's name). */
  scope: string;
  /** @default DEFAULT_LEASE_TTL_MS */
  ttlMs?: number | undefined;
}

/** Claims of one holder on one scope, with `close` to give everything up when its run ends. */
export interface HeldClaims extends ItemClaims {
  close(): void;
}

const holderRowSchema = z.object({ pid: z.number(), host: z.string(), expires_at: z.number() });
const leaseRowSchema = z.object({ holder: z.string(), expires_at: z.number(), given_up: z.number() });

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Leases on items in the workspace database, so several processes on one workspace split the work.
 * A claim is one transaction: it takes the item when nobody holds it, when the lease has expired
 * (its holder stopped renewing), or when the holder is a process of this machine that is gone
 * (a SIGKILLed holder's items are free at once, not after the time-to-live).
 */
export class LeasesStore {
  private readonly now: () => number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly host: string;
  private readonly pid: number;

  constructor(
    private readonly db: Database.Database,
    options: LeasesStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.isAlive = options.isAlive ?? processIsAlive;
    this.host = options.host ?? hostname();
    this.pid = options.pid ?? process.pid;
  }

  /** Registers a new holder (this process plus a random part) and returns its claims on `scope`. */
  holder(options: HolderOptions): HeldClaims {
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const holder = `${this.pid}-${randomBytes(6).toString("hex")}`;
    this.db
      .prepare("INSERT INTO lease_holders (holder, pid, host, expires_at) VALUES (?, ?, ?, ?)")
      .run(holder, this.pid, this.host, this.now() + ttlMs);
    const { scope } = options;
    return {
      holder,
      renewEveryMs: Math.max(1, Math.floor(ttlMs / 3)),
      pollEveryMs: Math.max(1, Math.min(1000, Math.floor(ttlMs / 3))),
      claim: (key) => this.claim(scope, key, holder, ttlMs),
      release: (key) => this.release(scope, key, holder),
      giveUp: (key) => this.giveUp(scope, key, holder),
      renew: () => this.renew(holder, ttlMs),
      close: () => this.drop(holder),
    };
  }

  /**
   * Takes `itemKey` for `holder` unless another live holder has it: "held" while that holder works
   * on it, "given-up" once it failed on it for good (until that holder ends).
   */
  claim(scope: string, itemKey: string, holder: string, ttlMs: number): "claimed" | "held" | "given-up" {
    return this.db
      .transaction(() => {
        const now = this.now();
        const row = this.db
          .prepare("SELECT holder, expires_at, given_up FROM leases WHERE scope = ? AND item_key = ?")
          .get(scope, itemKey);
        if (row !== undefined) {
          const lease = leaseRowSchema.parse(row);
          if (lease.holder !== holder && lease.expires_at > now && this.holderIsAlive(lease.holder)) {
            return lease.given_up ? "given-up" : "held";
          }
        }
        this.db
          .prepare(
            `INSERT INTO leases (scope, item_key, holder, expires_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (scope, item_key) DO UPDATE
             SET holder = excluded.holder, expires_at = excluded.expires_at, given_up = 0`,
          )
          .run(scope, itemKey, holder, now + ttlMs);
        return "claimed" as const;
      })
      .immediate();
  }

  /** Marks `holder`'s lease on `itemKey` given up: kept, so others do not retry it while `holder` lives. */
  giveUp(scope: string, itemKey: string, holder: string): void {
    this.db
      .prepare("UPDATE leases SET given_up = 1 WHERE scope = ? AND item_key = ? AND holder = ?")
      .run(scope, itemKey, holder);
  }

  /** Gives up `holder`'s lease on `itemKey` (a lease taken over by another holder is left alone). */
  release(scope: string, itemKey: string, holder: string): void {
    this.db
      .prepare("DELETE FROM leases WHERE scope = ? AND item_key = ? AND holder = ?")
      .run(scope, itemKey, holder);
  }

  /** Extends every lease of `holder`, and the holder itself, by `ttlMs` from now. */
  renew(holder: string, ttlMs: number): void {
    const expiresAt = this.now() + ttlMs;
    this.db.transaction(() => {
      this.db.prepare("UPDATE leases SET expires_at = ? WHERE holder = ?").run(expiresAt, holder);
      this.db.prepare("UPDATE lease_holders SET expires_at = ? WHERE holder = ?").run(expiresAt, holder);
    })();
  }

  /**
   * Removes `holder` and every lease it has (its run has ended), and with them what dead holders left
   * behind: a process killed after storing an answer but before releasing its lease leaves a lease on
   * an item that is done, which nobody would claim again.
   */
  drop(holder: string): void {
    this.db.transaction(() => {
      const removeHolder = (name: string): void => {
        this.db.prepare("DELETE FROM leases WHERE holder = ?").run(name);
        this.db.prepare("DELETE FROM lease_holders WHERE holder = ?").run(name);
      };
      removeHolder(holder);
      const others = this.db.prepare("SELECT holder FROM lease_holders").all();
      for (const row of others) {
        const other = z.object({ holder: z.string() }).parse(row).holder;
        if (!this.holderIsAlive(other)) removeHolder(other);
      }
      this.db.prepare("DELETE FROM leases WHERE holder NOT IN (SELECT holder FROM lease_holders)").run();
    })();
  }

  /** Registered, not expired, and (on this machine) its process still exists. */
  holderIsAlive(holder: string): boolean {
    const row = this.db
      .prepare("SELECT pid, host, expires_at FROM lease_holders WHERE holder = ?")
      .get(holder);
    if (row === undefined) return false;
    const parsed = holderRowSchema.parse(row);
    if (parsed.expires_at <= this.now()) return false;
    return parsed.host !== this.host || this.isAlive(parsed.pid);
  }
}
