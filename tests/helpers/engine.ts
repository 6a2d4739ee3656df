/**
 * The engine as tests use it: the TypeScript source through its public
 * entry, on a test store, acting as anyone. Unit tests call the use cases
 * exactly as the CLI, the server and embedding programs do.
 */
import { openEngine, type Engine, type SopSource } from '../../engine/index.js';
import { SOPS } from './cli.js';

export interface TestOffice {
  /** The engine acting for `user` (its OS login recorded as `osUser`, by default "tester"). */
  as(user: string): Engine;
  /** The engine acting for nobody: for what only reads. */
  readonly engine: Engine;
  /** Closes the store: a test that looks at the file afterwards, or opens it from another process, closes first. */
  close(): Promise<void>;
}

export interface OfficeOptions {
  /** The SOP folder, or SOPs in memory; default the seeds (sops/). */
  sops?: string | SopSource;
  clock?: () => Date;
  osUser?: string;
  /** Whether the store may be created; default true. */
  create?: boolean;
}

/** An engine on the store file `db` (`:memory:` for one that lives as long as the office). */
export async function openOffice(db: string, options: OfficeOptions = {}): Promise<TestOffice> {
  const osUser = options.osUser ?? 'tester';
  const engine = await openEngine({
    db,
    sops: options.sops ?? SOPS,
    create: options.create ?? true,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    as: (user) => engine.as({ user, via: 'program', osUser }),
    engine,
    close: () => engine.close(),
  };
}

/**
 * A store with its administrator ("admin", also a maintainer), every SOP of
 * the source published with its office calendar (unless `publish: false`),
 * and people, each with their roles and an OS login of their own name: the
 * usual start of a test.
 *
 * @example
 * const office = await officeWith(db, { siti: ['kepala-bidang-persandian'], budi: [] });
 */
export async function officeWith(db: string, people: Record<string, string[]>, options: OfficeOptions & { publish?: boolean } = {}): Promise<TestOffice> {
  const office = await openOffice(db, options);
  const admin = office.as('admin');
  await admin.people.init('admin', { login: 'admin' });
  if (options.publish !== false) await publishAll(admin);
  for (const [name, roles] of Object.entries(people)) await admin.people.add(name, { roles, login: name });
  return office;
}

/** Publishes every valid SOP of the engine's source, and its calendar when it has one. */
export async function publishAll(engine: Engine): Promise<void> {
  for (const { id } of (await engine.definitions.catalog()).sops) await engine.definitions.publish(id);
  if (await engine.definitions.hasCalendar()) await engine.definitions.publishCalendar();
}
