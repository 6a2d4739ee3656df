import { Store } from '../dist/engine/store/index.js';
import { ChainCheck } from '../dist/engine/audit/chain-check.js';
const store = Store.open('/tmp/big.db', { mustExist: true });
store.db.pragma('mmap_size = ' + (1 << 30));
for (let k = 0; k < 3; k++) {
let t = performance.now(); let n = 0;
for (const p of store.logPages()) n += p.length;
const read = performance.now() - t;
t = performance.now();
const c = new ChainCheck();
for (const p of store.logPages()) for (const r of p) c.addRow(r);
console.log('read', read.toFixed(0), 'read+chain', (performance.now() - t).toFixed(0), c.count, c.breaks.length);
}
