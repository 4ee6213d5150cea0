/**
 * The daemon's language servers, one per server family
 * (lib/lsp/servers.ts): found once per family from the registry, started
 * on the family's first file (one start at a time), restarted after a crash
 * up to a limit, and all shut down together when the segment turns unsafe
 * or the daemon ends.
 *
 * @module
 */
import { readInside, type Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { LspClient } from "./client.ts";
import type { EnvReader, LspConfig } from "./config.ts";
import {
  type DiscoveryMiss,
  findServer,
  isServerCommand,
  type ServerCommand,
} from "./discovery.ts";
import type { ServerLanguage } from "./servers.ts";

/** How often a crashed server of one family is started again. */
const MAX_RESTARTS = 3;

/** One family's server. */
interface Slot {
  client?: LspClient;
  server?: ServerCommand;
  /** Why no server can run (kept: discovery is not repeated). */
  miss?: DiscoveryMiss;
  /** A start in progress. */
  starting?: Promise<LspClient | undefined>;
  restarts: number;
}

/** What the slots need from the daemon. */
export interface SlotsOptions {
  /** Environment for discovery. */
  env: EnvReader;
  /** Settings (request timeout). */
  config: LspConfig;
  /** Telemetry for the clients. */
  telemetry?: Telemetry;
  /** Called after a server started or was shut down (the state file changes). */
  onChange: () => Promise<void>;
}

/** The servers of one daemon, by family (see the module doc). */
export class DaemonSlots {
  readonly #segment: Segment;
  readonly #opts: SlotsOptions;
  readonly #slots = new Map<ServerLanguage, Slot>();
  /** The family started first: its state is the daemon's in `status`. */
  #primary: ServerLanguage | undefined;
  #ending = false;

  /** Slots of a segment; nothing starts until {@linkcode DaemonSlots.ensure}. */
  constructor(segment: Segment, options: SlotsOptions) {
    this.#segment = segment;
    this.#opts = options;
  }

  #slot(language: ServerLanguage): Slot {
    let slot = this.#slots.get(language);
    if (!slot) {
      slot = { restarts: 0 };
      this.#slots.set(language, slot);
      this.#primary ??= language;
    }
    return slot;
  }

  /** The first family's client, server and miss (for `status`). */
  get primary(): { client?: LspClient; server?: ServerCommand; miss?: DiscoveryMiss } {
    return (this.#primary === undefined ? undefined : this.#slots.get(this.#primary)) ?? {};
  }

  /** Process ids of the running servers, the first family's first. */
  get pids(): number[] {
    return [...this.#slots.values()].map((s) => s.client?.pid)
      .filter((p): p is number => p !== undefined);
  }

  /** The backend a family runs (or would), `unavailable` before discovery. */
  backendOf(language: ServerLanguage): string {
    return this.#slots.get(language)?.server?.backend ?? "unavailable";
  }

  /** Why a family has no server, if discovery found none. */
  missOf(language: ServerLanguage): DiscoveryMiss | undefined {
    return this.#slots.get(language)?.miss;
  }

  /**
   * The running client of a family, or one started now on `warmup`. One
   * start at a time: the sandbox probe makes discovery take a while, and a
   * question arriving during the warm-up must wait for that start.
   */
  ensure(
    language: ServerLanguage,
    warmup: { abs: string; rel: string },
  ): Promise<LspClient | undefined> {
    const slot = this.#slot(language);
    slot.starting ??= this.#start(language, slot, warmup).finally(() => {
      slot.starting = undefined;
    });
    return slot.starting;
  }

  async #start(
    language: ServerLanguage,
    slot: Slot,
    warmup: { abs: string; rel: string },
  ): Promise<LspClient | undefined> {
    const c = slot.client;
    if (c && c.state !== "FAILED" && c.state !== "CLOSED") return c;
    if (this.#ending || slot.miss) return c;
    if (c && c.state === "FAILED" && slot.restarts >= MAX_RESTARTS) return c;
    if (c) {
      if (c.state === "FAILED") slot.restarts++;
      await c.shutdown(); // ends what is left of its process group
    }
    if (!slot.server) {
      const found = await findServer(language, { env: this.#opts.env, root: this.#segment.root });
      if (!isServerCommand(found)) {
        slot.miss = found;
        return undefined;
      }
      slot.server = found;
    }
    const { text } = await readInside(this.#segment, warmup.abs, { unmaskedForLocalServer: true });
    const client = new LspClient(slot.server, {
      root: this.#segment.root,
      language,
      telemetry: this.#opts.telemetry,
      requestTimeoutMs: this.#opts.config.requestTimeoutMs,
    });
    slot.client = client;
    client.start({ abs: warmup.abs, text });
    await this.#opts.onChange();
    return client;
  }

  /**
   * Shut every server down (they may hold what they read through unsafe
   * paths); they start again on the next question. True when one ran.
   */
  async shutdownAll(): Promise<boolean> {
    const clients = [...this.#slots.values()].flatMap((s) => {
      const c = s.client;
      s.client = undefined;
      return c ? [c] : [];
    });
    await Promise.all(clients.map((c) => c.shutdown()));
    if (clients.length > 0) await this.#opts.onChange();
    return clients.length > 0;
  }

  /** Shut everything down for good (the daemon ends). */
  async end(): Promise<void> {
    this.#ending = true;
    await Promise.all([...this.#slots.values()].map((s) => s.client?.shutdown()));
  }
}
