/**
 * Offline bundles: everything needed to check a history on another machine
 * with this tool alone, no database. A bundle is JSON Lines, so a large one
 * is written and checked a line at a time:
 *
 *   {"sopBundle":1, "exportedAt", "exportedBy", "scope", "anchor", "head", "checkpoint"?}   the header
 *   {"definition": {hash, sop, revision, body}}        each pinned definition (body: canonical JSON text)
 *   {"instance": {id, sop, definitionHash, title, status, outcome, version, state, startedBy, startedAt, updatedAt}}
 *   {"output": {sha256, size}}                         each stored output the events name (hashes, not content)
 *   {"key": {id, publicKey, algorithm, addedSeq, retiredSeq}}   each signing key of the log up to the head
 *   {"entry": {seq, kind, instanceId, version, at, prevHash, hash, payload | payloadSha256}}   the chain, in order
 *   {"end": {"lines": n, "sha256": ...}}               digest of the lines before it
 *
 * The chain runs from `anchor` (the entry before the first one carried;
 * seq 0 and GENESIS for a whole-store bundle) to `head`. A bundle of one
 * instance carries, in that range, its entries, the definition and user
 * entries in full, and every other entry by its payload's digest only: the
 * chain can be recomputed end to end without disclosing other instances.
 * An entry whose `instance` (a chained field) is the exported one must carry
 * its payload, so none of its entries can be hidden as another's digest.
 *
 * `checkpoint` is the head signed by the writer's key (signing.ts), when the
 * store has one: it covers the whole range, since the head's hash chains
 * every entry back to the anchor, so an entry moved out of the instance with
 * the chain recomputed no longer matches it. The `key` lines give the keys'
 * public parts and when the log added and retired them; those added within
 * the range are checked against their entries.
 */
import type { Store, Checkpoint, StoredInstanceRow, RawEventRow, SopEvent } from '../store/index.js';
import type { ActorMeta } from '../events.js';
import { GENESIS } from '../store/chain.js';
import { sha256Hex, sha256Stream } from '../store/sha256.js';
import type { SopDefinition } from '../definition/types.js';
import { SopError } from '../errors.js';
import { printable } from '../text.js';
import type { Break } from './breaks.js';
import { ChainCheck, checkCheckpoint, type ChainEntry } from './chain-check.js';
import { replayInstance } from './instance-replay.js';
import { emptyReport, finishReport, type CheckedCheckpoint, type VerifyReport } from './verify.js';
import { formatAnyCheckpoint, isSigned, keyIdOf, parseAnyCheckpoint, type AnyCheckpoint, type SignedCheckpoint } from './signing.js';
import { checkSignature, type KnownKey } from './checkpoint-signature.js';
import { replayUsers } from './users-replay.js';
import { publicationAllowed } from './authority-check.js';
import { RequestRunCheck, requestOf } from './request-runs.js';
import type { Publication, UserChange } from '../events.js';

export const BUNDLE_FORMAT = 1;

export interface BundleHeader {
  sopBundle: number;
  exportedAt: string;
  exportedBy: ActorMeta;
  scope: { instance: string } | { all: true };
  anchor: Checkpoint;
  head: Checkpoint;
  /** The head signed by the writer's key (`sop-checkpoint:1:...`); absent when the store had no key at hand. */
  checkpoint?: string;
}

/** A signing key of the log, as a bundle carries it. */
export interface BundleKey {
  id: string;
  publicKey: string;
  algorithm: string;
  addedSeq: number;
  /** Retired at this entry, if at or before the bundle's head. */
  retiredSeq: number | null;
}

export interface BundleInstance {
  id: string;
  sop: string;
  definitionHash: string;
  title: string;
  status: string;
  outcome: string | null;
  version: number;
  /** The recorded state, as the canonical JSON text the store keeps. */
  state: string;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
}

export interface BundleSummary {
  lines: number;
  entries: number;
  instances: number;
  definitions: number;
  outputs: number;
  head: Checkpoint;
  /** The signed head the header carries; null when the bundle is not signed. */
  signed: SignedCheckpoint | null;
  /** Why the bundle is not signed (null: it is), as the engine's export says. */
  unsigned?: string | null;
}

/**
 * Writes the bundle of one instance, or of the whole store, a line at a
 * time through `write`. It reads inside one transaction, so a command
 * writing meanwhile cannot make the bundle inconsistent.
 */
export function writeBundle(
  store: Store,
  scope: BundleHeader['scope'],
  by: BundleHeader['exportedBy'],
  at: Date,
  write: (line: string) => void,
  options: { sign?: (head: Checkpoint) => SignedCheckpoint | undefined } = {},
): BundleSummary {
  return store.readSnapshot(() => {
    const head = store.head();
    const digest = new LineDigest(write);
    const signed = options.sign?.(head) ?? null;
    const summary: BundleSummary = { lines: 0, entries: 0, instances: 0, definitions: 0, outputs: 0, head, signed };
    const all = !('instance' in scope);
    let anchor: Checkpoint = { seq: 0, hash: GENESIS };
    let instances: StoredInstanceRow[];
    let events: RawEventRow[] = [];
    if (all) {
      instances = [...store.audit.instanceRows()];
    } else {
      const [row] = store.audit.instanceRows(scope.instance);
      events = [...store.audit.eventRows(scope.instance)];
      if (!row || events.length === 0) {
        throw new SopError('instance.unknown', `no instance "${printable(scope.instance)}" in ${store.path}`, { data: { instance: scope.instance, file: store.path } });
      }
      instances = [row];
      const before = store.logEntryBefore(events[0]![0]);
      if (before) anchor = { seq: before.seq, hash: before.hash };
    }
    digest.line({ sopBundle: BUNDLE_FORMAT, exportedAt: at.toISOString(), exportedBy: by, scope, anchor, head, ...(signed ? { checkpoint: formatAnyCheckpoint(signed) } : {}) } satisfies BundleHeader);

    const pinned = new Set(instances.map((i) => i.definition_hash));
    for (const d of store.audit.definitionRows()) {
      if (!all && !pinned.has(d.hash)) continue;
      digest.line({ definition: { hash: d.hash, sop: d.sop_id, revision: d.revision, body: d.body } });
      summary.definitions++;
    }
    for (const r of instances) {
      const instance: BundleInstance = {
        id: r.id,
        sop: r.sop_id,
        definitionHash: r.definition_hash,
        title: r.title,
        status: r.status,
        outcome: r.outcome,
        version: r.version,
        state: r.state,
        startedBy: r.started_by,
        startedAt: r.started_at,
        updatedAt: r.updated_at,
      };
      digest.line({ instance });
      summary.instances++;
    }
    const outputs = new Map<string, number>();
    if (all) {
      for (const b of store.audit.blobs()) outputs.set(b.sha256, b.size);
    } else {
      for (const row of events) {
        for (const o of (JSON.parse(row[4]) as SopEvent).outputs ?? []) if (o.sha256) outputs.set(o.sha256, o.size ?? 0);
      }
    }
    for (const [sha256, size] of outputs) digest.line({ output: { sha256, size } });
    summary.outputs = outputs.size;
    for (const k of store.audit.signingKeyRows()) {
      if (k.added_seq > head.seq) continue;
      const key: BundleKey = { id: k.id, publicKey: k.public_key, algorithm: 'ed25519', addedSeq: k.added_seq, retiredSeq: k.retired_seq !== null && k.retired_seq <= head.seq ? k.retired_seq : null };
      digest.line({ key });
    }

    const mine = all ? undefined : scope.instance;
    for (const [seq, kind, instanceId, version, entryAt, payload, prevHash, hash] of store.iterateLog(anchor.seq + 1, head.seq)) {
      const full = mine === undefined || instanceId === mine || kind === 'user' || (kind === 'definition' && pinned.has(definitionOf(payload)));
      const entry = { seq, kind, instanceId, version, at: entryAt, prevHash, hash, ...(full ? { payload } : { payloadSha256: sha256Hex(payload) }) };
      digest.line({ entry });
      summary.entries++;
    }
    summary.lines = digest.count;
    write(JSON.stringify({ end: { lines: digest.count, sha256: digest.hex() } }) + '\n');
    summary.lines++;
    return summary;
  });
}

function definitionOf(payload: string): string {
  try {
    return (JSON.parse(payload) as { hash?: string }).hash ?? '';
  } catch {
    return '';
  }
}

/** Writes lines and keeps a running digest of them, for the trailer. */
class LineDigest {
  count = 0;
  private readonly parts: string[] = [];
  private size = 0;
  private readonly hasher = sha256Stream();

  constructor(private readonly write: (line: string) => void) {}

  line(value: unknown): void {
    const text = JSON.stringify(value) + '\n';
    this.hasher.update(text);
    this.count++;
    // Batches small lines into larger writes.
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }

  hex(): string {
    this.flush();
    return this.hasher.hex();
  }

  private flush(): void {
    if (this.parts.length) this.write(this.parts.join(''));
    this.parts.length = 0;
    this.size = 0;
  }
}

/**
 * Checks a bundle's bytes: its chain, definitions, replays and trailer; its
 * signed head against its keys; that no entry of its instance is hidden;
 * and, when it carries the whole users history (a whole-store bundle), who
 * was allowed.
 */
export function verifyBundle(bytes: Buffer, options: { checkpoint?: AnyCheckpoint } = {}): VerifyReport {
  const started = performance.now();
  const breaks: Break[] = [];
  const invalid = (message: string): VerifyReport => finish({ code: 'bundle.invalid', message });
  const report = emptyReport(null, { seq: 0, hash: GENESIS });
  const finish = (extra?: Break): VerifyReport => finishReport(report, extra ? [...breaks, extra] : breaks, started);

  const lines = splitLines(bytes);
  if (lines.length < 2) return invalid('this is not a sop bundle: it has fewer than two lines (a header and a trailer)');
  const hasher = sha256Stream();
  const parsed: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    try {
      parsed.push(JSON.parse(lines[i]!));
    } catch {
      return invalid(`line ${i + 1} of the bundle is not JSON`);
    }
    if (i < lines.length - 1) hasher.update(lines[i]! + '\n');
  }
  const header = parsed[0] as Partial<BundleHeader> | null;
  if (!isObject(header) || header.sopBundle !== BUNDLE_FORMAT || !isCheckpoint(header.anchor) || !isCheckpoint(header.head) || !isObject(header.scope)) {
    return invalid(`line 1 is not the header of a sop bundle of format ${BUNDLE_FORMAT}`);
  }
  const trailer = parsed[parsed.length - 1] as { end?: { lines?: unknown; sha256?: unknown } } | null;
  if (!isObject(trailer) || !isObject(trailer.end)) return invalid('the bundle has no trailer: it was cut off');
  if (trailer.end.lines !== lines.length - 1) return invalid(`the trailer counts ${String(trailer.end.lines)} lines, but the bundle has ${lines.length - 1} before it: lines were added or removed`);
  if (trailer.end.sha256 !== hasher.hex()) {
    breaks.push({ code: 'bundle.invalid', message: "the bundle's lines do not match the digest in its trailer: the file was edited after it was exported" });
  }
  report.head = header.head;
  report.instance = 'instance' in header.scope ? String((header.scope as { instance: unknown }).instance) : null;
  const scoped = report.instance;
  const anchor = header.anchor;

  const definitions = new Map<string, SopDefinition>();
  const instances: BundleInstance[] = [];
  const outputs = new Set<string>();
  const events = new Map<string, RawEventRow[]>();
  const hashes = new Map<number, string>();
  const keys = new Map<string, KnownKey>();
  const userEntries: [number, string, string][] = [];
  const publications: [number, string][] = [];
  const payloads = new Map<number, string>();
  const chainStart = performance.now();
  const chain = new ChainCheck(anchor);
  const requests = new RequestRunCheck(anchor.seq + 1, (seq) => requestOf(payloads.get(seq) ?? ''), breaks);
  let lastAt: string | undefined;
  for (let i = 1; i < parsed.length - 1; i++) {
    const line = parsed[i] as Record<string, unknown>;
    const where = `line ${i + 1}`;
    if (!isObject(line)) return invalid(`${where} is not an object`);
    if ('entry' in line) {
      const e = line.entry as ChainEntry;
      if (!isEntry(e)) return invalid(`${where} is not a well-formed log entry`);
      chain.add(e);
      hashes.set(e.seq, e.hash);
      if (lastAt !== undefined && e.at < lastAt)
        breaks.push({ code: 'chain.time', seq: e.seq, message: `entry ${e.seq} is dated ${e.at}, before the entry before it (${lastAt}): time went back in the record` });
      lastAt = e.at;
      if (e.payload === undefined) {
        // The entries of the exported instance, and who may do what, are carried whole: none can be hidden as a digest.
        if (scoped !== null && e.instanceId === scoped) {
          breaks.push({ code: 'bundle.hidden', seq: e.seq, instance: scoped, message: `entry ${e.seq} of instance ${scoped} is carried by its digest only: its content was hidden from the bundle` });
        } else if (e.kind === 'user') {
          breaks.push({ code: 'bundle.hidden', seq: e.seq, message: `entry ${e.seq} (a user change) is carried by its digest only: who may do what was hidden from the bundle` });
        }
        continue;
      }
      payloads.set(e.seq, e.payload);
      requests.add(e.seq, e.payload);
      if (e.kind === 'user') userEntries.push([e.seq, e.at, e.payload]);
      else if (e.kind === 'definition') publications.push([e.seq, e.payload]);
      else if (e.kind === 'event' && e.instanceId !== null) {
        let group = events.get(e.instanceId);
        if (!group) {
          group = [];
          events.set(e.instanceId, group);
        }
        group.push([e.seq, e.instanceId, e.version, e.at, e.payload]);
      }
    } else if ('definition' in line) {
      const d = line.definition as { hash?: unknown; body?: unknown; sop?: unknown; revision?: unknown };
      if (!isObject(d) || typeof d.hash !== 'string' || typeof d.body !== 'string') return invalid(`${where} is not a well-formed definition`);
      report.definitions++;
      if (sha256Hex(d.body) !== d.hash) {
        breaks.push({ code: 'definition.changed', message: `definition ${d.hash.slice(0, 12)} (SOP ${String(d.sop)} revision ${String(d.revision)}) no longer hashes to its address: its content was changed` });
      }
      try {
        definitions.set(d.hash, JSON.parse(d.body) as SopDefinition);
      } catch {
        return invalid(`${where}: the definition body is not JSON`);
      }
    } else if ('instance' in line) {
      const inst = line.instance as BundleInstance;
      if (!isObject(inst) || typeof inst.id !== 'string' || typeof inst.state !== 'string') return invalid(`${where} is not a well-formed instance`);
      instances.push(inst);
    } else if ('output' in line) {
      const o = line.output as { sha256?: unknown };
      if (!isObject(o) || typeof o.sha256 !== 'string') return invalid(`${where} is not a well-formed output`);
      outputs.add(o.sha256);
    } else if ('key' in line) {
      const k = line.key as Partial<BundleKey>;
      if (!isObject(k) || typeof k.id !== 'string' || typeof k.publicKey !== 'string' || !Number.isSafeInteger(k.addedSeq) || !(k.retiredSeq === null || Number.isSafeInteger(k.retiredSeq))) {
        return invalid(`${where} is not a well-formed signing key`);
      }
      if (keyIdOf(k.publicKey) !== k.id) breaks.push({ code: 'keys.state', message: `the signing key ${k.id} of the bundle is not the key its id names: its public key was replaced` });
      else keys.set(k.id, { publicKey: k.publicKey, addedSeq: k.addedSeq!, retiredSeq: k.retiredSeq ?? null });
    } else {
      return invalid(`${where} is none of entry, definition, instance, output or key`);
    }
  }
  breaks.push(...chain.breaks);
  report.entries = chain.count;
  const end = chain.head();
  if (end.seq !== header.head.seq || end.hash !== header.head.hash) {
    breaks.push({
      code: end.seq < header.head.seq ? 'chain.truncated' : 'chain.checkpoint',
      seq: Math.min(end.seq + 1, header.head.seq),
      message: `the bundle's entries end at ${end.seq}:${end.hash.slice(0, 12)}, but its head says ${header.head.seq}:${header.head.hash.slice(0, 12)}`,
    });
  }
  breaks.push(...checkKeyEntries(userEntries, keys, anchor.seq));
  checkSignedHead(header.checkpoint, header.head, keys, report, breaks);
  if (options.checkpoint) report.checkpoint = checkGivenCheckpoint(options.checkpoint, anchor, end, hashes, keys, breaks);
  report.ms.chain = performance.now() - chainStart;

  const replayStart = performance.now();
  // Who may do what can be told only from the whole users history: a bundle that starts at the first entry.
  const users = anchor.seq === 0 ? replayUsers(userEntries) : undefined;
  if (users) {
    breaks.push(...users.breaks.filter((b) => b.code === 'authority.not-allowed'));
    for (const [seq, payload] of publications) {
      const p = safeParse(payload) as unknown as Partial<Publication> | undefined;
      if (p?.action !== 'publish') continue;
      const verdict = publicationAllowed(p as Publication, users.history.at(seq));
      if (!verdict.ok) breaks.push({ code: 'authority.not-allowed', seq, message: `entry ${seq} (a publication) was not allowed: ${verdict.why}` });
    }
  } else {
    report.notes.push(`who was allowed was not checked: the bundle carries the users history only from entry ${anchor.seq + 1} on; verify the store, or a whole-store bundle, for that`);
  }
  if (scoped !== null && !instances.some((i) => i.id === scoped)) breaks.push({ code: 'instance.missing', instance: scoped, message: `the bundle is of instance ${scoped}, but does not carry it` });
  for (const inst of instances) {
    const rows = events.get(inst.id) ?? [];
    events.delete(inst.id);
    const row: StoredInstanceRow = {
      id: inst.id,
      sop_id: inst.sop,
      definition_hash: inst.definitionHash,
      title: inst.title,
      status: inst.status as StoredInstanceRow['status'],
      outcome: inst.outcome,
      version: inst.version,
      state: inst.state,
      started_by: inst.startedBy,
      started_at: inst.startedAt,
      updated_at: inst.updatedAt,
    };
    const r = replayInstance({ id: inst.id, row, rows, definition: (h) => definitions.get(h), ...(users ? { authority: users.history } : {}) });
    breaks.push(...r.breaks);
    report.instances++;
    report.events += rows.length;
    for (const [seq, , , , payload] of rows) {
      for (const o of safeParse(payload)?.outputs ?? []) {
        if (o.sha256 && !outputs.has(o.sha256)) breaks.push({ code: 'blob.missing', seq, instance: inst.id, message: `entry ${seq} names output ${o.sha256.slice(0, 12)}, which the bundle does not list` });
      }
    }
  }
  for (const [id, rows] of events) {
    if (scoped === null || id === scoped) breaks.push({ code: 'instance.missing', seq: rows[0]![0], instance: id, message: `the bundle carries events of instance ${id}, but not the instance` });
  }
  report.blobs = outputs.size;
  report.ms.replay = performance.now() - replayStart;
  return finish();
}

/** The key entries within the bundle's range against its key lines: each added or retired key in the range has its entry, and the reverse. */
function checkKeyEntries(userEntries: readonly [number, string, string][], keys: ReadonlyMap<string, KnownKey>, anchorSeq: number): Break[] {
  const breaks: Break[] = [];
  const seenAdd = new Set<string>();
  const seenRetire = new Set<string>();
  for (const [seq, , payload] of userEntries) {
    let change: UserChange;
    try {
      change = JSON.parse(payload) as UserChange;
    } catch {
      continue;
    }
    if (change.action !== 'key-add' && change.action !== 'key-retire') continue;
    const id = String(change.key?.id);
    const k = keys.get(id);
    if (change.action === 'key-add') {
      seenAdd.add(id);
      if (!k || k.addedSeq !== seq || k.publicKey !== change.key?.publicKey)
        breaks.push({ code: 'keys.state', seq, message: `entry ${seq} adds the signing key ${id}, which the bundle's key lines do not give as added there` });
    } else {
      seenRetire.add(id);
      if (!k || k.retiredSeq !== seq) breaks.push({ code: 'keys.state', seq, message: `entry ${seq} retires the signing key ${id}, which the bundle's key lines do not give as retired there` });
    }
  }
  for (const [id, k] of keys) {
    if (k.addedSeq > anchorSeq && !seenAdd.has(id)) breaks.push({ code: 'keys.state', seq: k.addedSeq, message: `the bundle's key ${id} is said to be added at entry ${k.addedSeq}, which adds no such key` });
    if (k.retiredSeq !== null && k.retiredSeq > anchorSeq && !seenRetire.has(id)) {
      breaks.push({ code: 'keys.state', seq: k.retiredSeq, message: `the bundle's key ${id} is said to be retired at entry ${k.retiredSeq}, which retires no such key` });
    }
  }
  return breaks;
}

/** The header's signed head: it must name the head, and hold against the bundle's keys; an unsigned head while a key was in effect is a removed signature. */
function checkSignedHead(signed: unknown, head: Checkpoint, keys: ReadonlyMap<string, KnownKey>, report: VerifyReport, breaks: Break[]): void {
  if (signed === undefined) {
    const inEffect = [...keys].find(([, k]) => k.addedSeq <= head.seq && (k.retiredSeq === null || k.retiredSeq > head.seq));
    if (inEffect) {
      breaks.push({
        code: 'checkpoint.unsigned',
        seq: head.seq,
        message: `the bundle's head is not signed, but its store's signing key ${inEffect[0]} was in effect at it: the signature was removed`,
      });
    } else {
      report.notes.push(
        'the head is not signed (the store had no signing key at hand): an entry moved out of the instance, with the chain recomputed, would not show; check the head against a checkpoint kept apart',
      );
    }
    return;
  }
  const c = typeof signed === 'string' ? parseAnyCheckpoint(signed) : undefined;
  if (!c || !isSigned(c)) {
    breaks.push({ code: 'checkpoint.signature', seq: head.seq, message: "the bundle's signed head is not a signed checkpoint" });
    report.signedHead = { keyId: '', ok: false };
    return;
  }
  let b: Break | undefined =
    c.seq === head.seq && c.hash === head.hash
      ? undefined
      : { code: 'checkpoint.signature', seq: head.seq, message: `the bundle's signed head names ${c.seq}:${c.hash.slice(0, 12)}, not its head ${head.seq}:${head.hash.slice(0, 12)}` };
  b ??= checkSignature(c, keys, "the bundle's head");
  report.signedHead = { keyId: c.keyId, ok: b === undefined };
  if (b) breaks.push(b);
}

/** A checkpoint the auditor kept, against the bundle: the chain must extend it, and its signature hold against the bundle's keys. */
function checkGivenCheckpoint(c: AnyCheckpoint, anchor: Checkpoint, end: Checkpoint, hashes: ReadonlyMap<number, string>, keys: ReadonlyMap<string, KnownKey>, breaks: Break[]): CheckedCheckpoint {
  const b =
    c.seq <= anchor.seq && c.seq !== 0
      ? {
          code: 'chain.checkpoint' as const,
          seq: c.seq,
          message: `the checkpoint names entry ${c.seq}, which is before this bundle's first entry (${anchor.seq + 1}); it cannot be checked against this bundle`,
        }
      : checkCheckpoint(c, end, (seq) => hashes.get(seq));
  if (b) breaks.push(b);
  let signature: CheckedCheckpoint['signature'] = 'none';
  if (isSigned(c)) {
    const s = checkSignature(c, keys);
    signature = s ? 'invalid' : 'valid';
    if (s) breaks.push(s);
  }
  return { seq: c.seq, hash: c.hash, ok: b === undefined && signature !== 'invalid', signature, ...(isSigned(c) ? { keyId: c.keyId } : {}) };
}

function splitLines(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function safeParse(payload: string): SopEvent | undefined {
  try {
    return JSON.parse(payload) as SopEvent;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCheckpoint(v: unknown): v is Checkpoint {
  return isObject(v) && Number.isSafeInteger(v.seq) && typeof v.hash === 'string';
}

function isEntry(e: unknown): e is ChainEntry {
  if (!isObject(e)) return false;
  return (
    Number.isSafeInteger(e.seq) &&
    typeof e.kind === 'string' &&
    (e.instanceId === null || typeof e.instanceId === 'string') &&
    (e.version === null || Number.isSafeInteger(e.version)) &&
    typeof e.at === 'string' &&
    typeof e.prevHash === 'string' &&
    typeof e.hash === 'string' &&
    (typeof e.payload === 'string' || typeof e.payloadSha256 === 'string')
  );
}
