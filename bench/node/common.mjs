// Shared by the peers: arguments, a microsecond wall clock, and the benchmark's latency histogram
// (the same buckets as bench/src/main/java/io/jobcast/bench/Histo.java, so the Java side merges it).

export function args(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const key = argv[i].slice(2);
      const value = argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : 'true';
      out[key] = typeof defaults[key] === 'number' ? Number(value) : value;
    }
  }
  return out;
}

// Wall clock in µs: Date.now() re-anchored every second, with the high-resolution timer in between.
let anchorWallMs = Date.now();
let anchorHr = process.hrtime.bigint();
setInterval(() => { anchorWallMs = Date.now(); anchorHr = process.hrtime.bigint(); }, 1000).unref();
export function nowMicros() {
  return anchorWallMs * 1000 + Number((process.hrtime.bigint() - anchorHr) / 1000n);
}
export function isoMicros(micros = nowMicros()) {
  const iso = new Date(Math.floor(micros / 1000)).toISOString(); // ...T12:34:56.789Z
  return `${iso.slice(0, 23)}${String(micros % 1000).padStart(3, '0')}Z`;
}
export function parseIsoMicros(iso) {
  const ms = Date.parse(iso.slice(0, 23) + 'Z');
  const extra = iso.length > 25 ? Number(iso.slice(23, 26).padEnd(3, '0')) : 0;
  return ms * 1000 + extra;
}

const FINE = 10000;
const COARSE = 119900;
const SIZE = FINE + COARSE + 1;
export class Histo {
  constructor() { this.counts = new Map(); this.count = 0; this.maxMicros = 0; }
  record(micros) {
    const v = Math.max(0, Math.round(micros));
    let i;
    if (v < 100000) i = Math.floor(v / 10);
    else { const ms = Math.floor(v / 1000); i = ms < 120000 ? FINE + (ms - 100) : SIZE - 1; }
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
    this.count++;
    if (v > this.maxMicros) this.maxMicros = v;
  }
  toJSON() {
    const buckets = [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
    return { count: this.count, maxMicros: this.maxMicros, buckets };
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The same event shape as Jobcast's (and the bare server's), so every client reads it alike.
export function event(jobId, seq, tseq, tag, percent) {
  return {
    seq, attempt: 1, tseq, jobId, tenant: 'bench', jobType: 'demo.ticker', type: 'progress', state: 'RUNNING',
    percent, message: `tick ${seq}`, timestamp: isoMicros(), tags: [tag],
  };
}
