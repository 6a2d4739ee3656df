/**
 * What every runtime operation needs: the store, the SOP folder, the clock
 * and the acting identity. The store opens on first use, so commands that
 * never touch the database never open it.
 */
import { Store } from '../store/index.js';
import type { OfficeCalendar } from '../calendar/calendar.js';
import { cachedCalendar } from './sources.js';
import type { Identity } from './identity.js';

export interface SessionOptions {
  /** Path of the SQLite file. */
  db: string;
  /** Folder of SOP files (and calendar.yaml). */
  sops: string;
  identity: Identity;
  /** The engine's clock; tests pin it. Default: the system clock. */
  clock?: () => Date;
}

export class Session {
  readonly db: string;
  readonly sops: string;
  readonly identity: Identity;
  readonly clock: () => Date;
  private opened: Store | undefined;
  private readonly create: boolean;

  constructor(options: SessionOptions, openMode: { create?: boolean } = {}) {
    this.db = options.db;
    this.sops = options.sops;
    this.identity = options.identity;
    this.clock = options.clock ?? (() => new Date());
    this.create = openMode.create === true;
  }

  get store(): Store {
    // Only `sop init` may create the database; anything else on a missing file is a mistake worth naming.
    this.opened ??= Store.open(this.db, { mustExist: !this.create, clock: this.clock });
    return this.opened;
  }

  private officeCalendar: OfficeCalendar | undefined;

  /** The office calendar beside the SOPs (sops/calendar.yaml), or the documented default; parsed once per version of the file. */
  get calendar(): OfficeCalendar {
    this.officeCalendar ??= cachedCalendar(this.store, this.sops);
    return this.officeCalendar;
  }

  close(): void {
    this.opened?.close();
    this.opened = undefined;
  }
}
