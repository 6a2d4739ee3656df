/**
 * The numbered migrations, in order. Migration N brings the schema from
 * user_version N-1 to N; append new ones, never reorder or edit old ones.
 */
import { sql as initial } from './001-initial.js';
import { sql as requests } from './002-requests.js';
import { sql as sourceCache } from './003-source-cache.js';
import { sql as trust } from './004-trust.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: '001-initial', sql: initial },
  { version: 2, name: '002-requests', sql: requests },
  { version: 3, name: '003-source-cache', sql: sourceCache },
  { version: 4, name: '004-trust', sql: trust },
];

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION = migrations.length;
