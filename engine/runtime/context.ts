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
import type { SopSource } from './sop-source.js';
import { DEFAULT_CALENDAR } from '../calendar/calendar.js';
import { calendarFromJson, type CalendarJson } from '../calendar/calendar-json.js';
import { localDate } from '../calendar/working-time.js';
import type { Via } from '../events.js';
import { printable } from '../text.js';

/**
 * Who acts, and how they proved it (recorded on every event they write):
 * - `via: 'os-login'` (the CLI on the store file): the person is the sop user
 *   bound to `osUser`, the OS login; `user`, when given, must be that person.
 * - `via: 'password'` or `'token'` (the server): `user` as the server
 *   authenticated them, `client` their address.
 * - `via: 'program'` (the default: a program that embeds the engine, the
 *   demo, tests): `user` as the program says.
 * `onBehalfOf` makes the action an administrator's emergency action for
 * someone else, with a reason on record.
 */
export interface Identity {
  user?: string;
  via?: Via;
  osUser?: string;
  client?: string;
  onBehalfOf?: { user: string; reason: string };
}

/** An identity once the store has said who the person is. */
export interface Person extends Identity {
  user: string;
  via: Via;
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
  private officeCalendar: { seq: number; calendar: OfficeCalendar } | undefined;
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

  /**
   * The office calendar that times every waktu: the one published last (the
   * documented default before any). Read again only when a newer one has
   * been published, which a long-lived engine (a server) asks each time.
   */
  get calendar(): OfficeCalendar {
    const seq = this.store.latestCalendarSeq();
    if (this.officeCalendar?.seq !== seq) {
      const published = seq === 0 ? undefined : this.store.publishedCalendar('9999-12-31');
      this.officeCalendar = { seq, calendar: published ? calendarFromJson(JSON.parse(published.body) as CalendarJson) : DEFAULT_CALENDAR };
    }
    return this.officeCalendar.calendar;
  }

  /** The office's date today, YYYY-MM-DD: the day a tanggal efektif is compared with. */
  today(): string {
    return localDate(this.clock(), this.calendar);
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

  get store(): Store {
    return this.office.store;
  }
  get clock(): () => Date {
    return this.office.clock;
  }
  get calendar(): OfficeCalendar {
    return this.office.calendar;
  }
  /** The office's date today, YYYY-MM-DD. */
  today(): string {
    return this.office.today();
  }
  get sops(): SopSource {
    return this.office.sops;
  }

  /**
   * Who acts; a use case that records who did it cannot run without one. In
   * direct file mode the person is the one bound to the OS login: naming
   * someone else is refused (`auth.not-you`), and a login bound to nobody is
   * `auth.unknown-login`.
   */
  get identity(): Person {
    this.person ??= resolvePerson(this.office, this.who);
    return this.person;
  }
  private person: Person | undefined;

  /** Who acts, as given, before the store is asked (init, which binds the first login). */
  get claimed(): Identity {
    if (!this.who) throw new Error('this engine acts for nobody: open it with an identity, or use engine.as(identity)');
    return this.who;
  }
}

function resolvePerson(office: Office, who: Identity | undefined): Person {
  if (!who) throw new Error('this engine acts for nobody: open it with an identity, or use engine.as(identity)');
  const via = who.via ?? 'program';
  if (via !== 'os-login') {
    if (!who.user) throw new Error(`an identity that came ${via === 'program' ? 'from a program' : `by ${via}`} names its user`);
    return { ...who, user: who.user, via };
  }
  const login = who.osUser ?? '';
  const bound = office.store.userByLogin(login);
  if (!bound) {
    // A store made before logins has none bound: its administrator claims theirs first (sop user claim).
    const noneBound = office.store.listUsers().every((u) => u.login === null);
    throw new SopError('auth.unknown-login', `the login "${printable(login)}" is bound to no user of ${office.store.path}${noneBound ? ' (no login is bound to anyone there yet)' : ''}`, {
      data: { login, file: office.store.path, named: who.user ?? null, noneBound },
    });
  }
  if (who.user !== undefined && who.user !== bound.name) {
    throw new SopError('auth.not-you', `the login "${printable(login)}" is ${bound.name}; acting as "${printable(who.user)}" is refused`, {
      data: { login, user: bound.name, named: who.user },
    });
  }
  return { ...who, user: bound.name, via };
}
