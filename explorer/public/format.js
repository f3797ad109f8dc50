// Formatting of the node's raw values for people. Pure functions: the page imports them, and
// node's test runner tests them (test/format.test.mjs).
//
// Balances are decimal strings of planck (1 DPN = 10^12 planck) and are only ever handled as
// BigInt: a Number loses planck above 2^53 (about 9,007 DPN).

export const PLANCK_PER_DPN = 10n ** 12n;
const DASH = '—';

/** "1234567" → "1,234,567" (any decimal integer string, BigInt or number). */
export function groupDigits(value) {
  const text = String(value);
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  return (negative ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function toBigInt(value) {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return null;
}

/**
 * Planck (decimal string) → "1,234.5678 DPN": at most `decimals` decimals, cut (not rounded)
 * toward zero, trailing zeros dropped. A non-zero amount under the last decimal shows as
 * "<0.0001 DPN". Anything that is not an integer gives "—".
 */
export function formatDpn(planck, { decimals = 4, unit = true } = {}) {
  const value = toBigInt(planck);
  if (value === null) return DASH;
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(12 - decimals);
  const scaled = abs / scale; // units of 10^-decimals DPN
  const suffix = unit ? ' DPN' : '';
  if (scaled === 0n && abs !== 0n) return `${negative ? '>-' : '<'}0.${'0'.repeat(decimals - 1)}1${suffix}`;
  const one = 10n ** BigInt(decimals);
  const whole = scaled / one;
  const fraction = (scaled % one).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${groupDigits(whole)}${fraction ? '.' + fraction : ''}${suffix}`;
}

/** Planck → DPN as a Number, for chart axes only (never for text). */
export function planckToChartNumber(planck) {
  const value = toBigInt(planck);
  if (value === null) return null;
  // Four decimals are kept exactly by the BigInt division; the Number is only for plotting.
  return Number(value / 10n ** 8n) / 10_000;
}

const BYTE_UNITS = [
  ['PB', 10n ** 15n],
  ['TB', 10n ** 12n],
  ['GB', 10n ** 9n],
  ['MB', 10n ** 6n],
  ['kB', 10n ** 3n],
];

/** Bytes (decimal string) → "5.76 TB" (SI units, two decimals cut). */
export function formatBytes(bytes) {
  const value = toBigInt(bytes);
  if (value === null || value < 0n) return DASH;
  for (const [name, size] of BYTE_UNITS) {
    if (value >= size) {
      const hundredths = (value * 100n) / size;
      const fraction = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '');
      return `${groupDigits(hundredths / 100n)}${fraction ? '.' + fraction : ''} ${name}`;
    }
  }
  return `${value} B`;
}

/** GiB (integer) → "1,024 GiB" / "2 TiB" when whole TiB. */
export function formatGib(gib) {
  const value = toBigInt(gib);
  if (value === null) return DASH;
  if (value >= 1024n && value % 1024n === 0n) return `${groupDigits(value / 1024n)} TiB`;
  return `${groupDigits(value)} GiB`;
}

/**
 * A ratio as the node gives it, "0.3333" (a decimal string with up to four decimals) or null
 * → "33.33%" / "—".
 */
export function formatRatio(ratio) {
  if (ratio === null || ratio === undefined) return DASH;
  const match = /^(\d+)(?:\.(\d{1,4}))?$/.exec(String(ratio));
  if (!match) return DASH;
  const basisPoints = BigInt(match[1]) * 10_000n + BigInt((match[2] ?? '').padEnd(4, '0') || '0');
  const fraction = (basisPoints % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${groupDigits(basisPoints / 100n)}${fraction ? '.' + fraction : ''}%`;
}

/** Ratio string → Number, for charts only; null stays null. */
export function ratioToChartNumber(ratio) {
  if (ratio === null || ratio === undefined) return null;
  const n = Number(ratio);
  return Number.isFinite(n) ? n : null;
}

/** A count → "1,234"; null/undefined → "—". */
export function formatCount(value) {
  if (value === null || value === undefined) return DASH;
  const int = toBigInt(value);
  return int === null ? String(value) : groupDigits(int);
}

/** VRAM MiB → "80 GiB" (one decimal when not whole). */
export function formatMib(mib) {
  const value = toBigInt(mib);
  if (value === null) return DASH;
  const tenths = (value * 10n) / 1024n;
  const fraction = tenths % 10n;
  return `${groupDigits(tenths / 10n)}${fraction ? '.' + fraction : ''} GiB`;
}

/** "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY" → "5Grwva…KutQY". */
export function shortAddress(address, head = 6, tail = 6) {
  const text = String(address ?? '');
  return text.length <= head + tail + 1 ? text : `${text.slice(0, head)}…${text.slice(-tail)}`;
}

/** "0x" + 64 hex → "0x1234ab…cdef01". */
export function shortHash(hash) {
  return shortAddress(hash, 8, 6);
}

/**
 * What a `data-value` attribute holds for a raw RPC value: strings as they are, null as "null",
 * numbers and booleans as text, objects and arrays as JSON. Tests compare with the same rule.
 */
export function rawValue(value) {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** An SS58 address's shape (base58, 46–50 characters). The node decides whether it is valid. */
export function looksLikeAddress(text) {
  return /^[1-9A-HJ-NP-Za-km-z]{46,50}$/.test(text);
}

/** A lease id the page can send exactly (a JSON number: at most 2^53 - 1). */
export function parseLeaseId(text) {
  if (!/^\d{1,16}$/.test(String(text))) return null;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : null;
}
