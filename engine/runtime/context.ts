/**
 * What every use case needs: the store, where SOP definitions come from,
 * the clock and who is acting. One `Office` is shared by every person an
 * engine acts for (a server holds one for all its requests); a `Context` is
 * the office seen by one person. The store opens on first use, so what
 * never touches the database (validating an SOP file) never opens it.
 */
import { SopError } from '../errors.js';
import type { OfficeCalendar } from '../calendar/calendar.js';
import type { SopDefinition } from '../definition/types.js';
import { Store, type WriteTx } from '../store/index.js';
import type { SopSource, SourceIo } from './sop-source.js';

/** Who acts: the sop user, and the operating-system login the request came from (recorded beside it). */
export interface Identity {
  user: string;
  osUser: string;
}

export interface OfficeOptions {
  /** Path of the SQLite file (`:memory:` for a throwaway store). */
  db: string;
  sops: SopSource;
  /** The engine's clock; tests pin it. Default: the system clock. */
  clock?: () => Date;
  /** Whether the store file may be created (only `init` and the demo may). Default false: a missing file is `store.not-found`. */
  create?: boolean;
}

export class Office {
  readonly db: string;
  readonly sops: SopSource;
  readonly clock: () => Date;
  private readonly create: boolean;
  private opened: Store | undefined;
  private officeCalendar: OfficeCalendar | undefined;
  /**
   * One object per stored definition: the XState machine of a definition is
   * built once per object (build-machine.ts), so reading the same
   * definition twice must give the same object.
   */
  private readonly definitions = new Map<string, SopDefinition>();

  constructor(options: OfficeOptions) {
    this.db = options.db;
    this.sops = options.sops;
    this.clock = options.clock ?? (() => new Date());
    this.create = options.create === true;
  }

  get store(): Store {
    this.opened ??= Store.open(this.db, { mustExist: !this.create, clock: this.clock });
    return this.opened;
  }

  /** Whether the store has been opened (nothing to close otherwise). */
  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** The office calendar of the SOP source, read once (through `tx` when a changing command reads it first). */
  calendar(tx?: WriteTx): OfficeCalendar {
    this.officeCalendar ??= this.sops.calendar({ store: this.store, tx });
    return this.officeCalendar;
  }

  /** The stored definition with this hash, read once; undefined if the store does not keep it. */
  storedDefinition(hash: string): SopDefinition | undefined {
    let def = this.definitions.get(hash);
    if (!def) {
      def = this.store.getDefinition(hash);
      if (def) this.definitions.set(hash, def);
    }
    return def;
  }

  /** The definition an instance is pinned to. */
  pinnedDefinition(hash: string): SopDefinition {
    const def = this.storedDefinition(hash);
    if (!def) throw new SopError('store.unknown-definition', `the definition ${hash} that an instance is pinned to is missing from ${this.db}`, { data: { definition: hash, file: this.db } });
    return def;
  }

  close(): void {
    this.opened?.close();
    this.opened = undefined;
  }
}

/**
 * The office as one person sees it, and, inside a changing command, the
 * transaction it writes in (see Store.transact): what the command reads
 * through the SOP source's cache joins that transaction.
 */
export class Context {
  constructor(
    readonly office: Office,
    private readonly who: Identity | undefined,
    readonly tx?: WriteTx,
  ) {}

  /** This context writing in `tx`. */
  within(tx: WriteTx): Context {
    return new Context(this.office, this.who, tx);
  }

  /** The same office seen by someone else. */
  as(identity: Identity): Context {
    return new Context(this.office, identity, this.tx);
  }

  /** The transaction a changing use case writes in: such a use case runs only within one (see Engine). */
  get writes(): WriteTx {
    if (!this.tx) throw new Error('a changing use case runs inside a transaction: ctx.within(tx)');
    return this.tx;
  }

  /** Where the SOP source's cache reads and writes. */
  get sourceIo(): SourceIo {
    return { store: this.office.store, tx: this.tx };
  }

  get store(): Store {
    return this.office.store;
  }
  get clock(): () => Date {
    return this.office.clock;
  }
  get calendar(): OfficeCalendar {
    return this.office.calendar(this.tx);
  }
  get sops(): SopSource {
    return this.office.sops;
  }

  /** Who acts; a use case that records who did it cannot run without one. */
  get identity(): Identity {
    if (!this.who) throw new Error('this engine acts for nobody: open it with an identity, or use engine.as(identity)');
    return this.who;
  }
}
