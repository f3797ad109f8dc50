// Unit tests of the page's formatting (node --test test/format.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  formatBytes, formatCount, formatDpn, formatGib, formatMib, formatRatio, parseLeaseId, planckToChartNumber,
  rawValue, shortAddress,
} from '../public/format.js';

test('DPN from planck strings, exactly, with BigInt', () => {
  assert.equal(formatDpn('0'), '0 DPN');
  assert.equal(formatDpn('1000000000000'), '1 DPN');
  assert.equal(formatDpn('1500000000000'), '1.5 DPN');
  assert.equal(formatDpn('123456789012345678'), '123,456.789 DPN');
  // Beyond 2^53 planck a Number would round; BigInt does not.
  assert.equal(formatDpn('9007199254740993123456'), '9,007,199,254.7409 DPN');
  assert.equal(formatDpn('340282366920938463463374607431768211455'), '340,282,366,920,938,463,463,374,607.4317 DPN');
  assert.equal(formatDpn('99999999'), '<0.0001 DPN', 'under the last decimal, not zero');
  assert.equal(formatDpn('100000000'), '0.0001 DPN');
  assert.equal(formatDpn('199999999'), '0.0001 DPN', 'cut, not rounded');
  assert.equal(formatDpn(null), '—');
  assert.equal(formatDpn('12.5'), '—');
  assert.equal(formatDpn('2000000000000', { unit: false }), '2');
});

test('bytes, GiB, MiB, ratios and counts', () => {
  assert.equal(formatBytes('5760753664000'), '5.76 TB');
  assert.equal(formatBytes('1000000000'), '1 GB');
  assert.equal(formatBytes('999'), '999 B');
  assert.equal(formatBytes('123456789012345678901'), '123,456.78 PB');
  assert.equal(formatGib(2048), '2 TiB');
  assert.equal(formatGib(100), '100 GiB');
  assert.equal(formatMib(81559), '79.6 GiB');
  assert.equal(formatMib(81920), '80 GiB');
  assert.equal(formatRatio('0.3333'), '33.33%');
  assert.equal(formatRatio('2.5000'), '250%');
  assert.equal(formatRatio('0.0000'), '0%');
  assert.equal(formatRatio(null), '—');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(null), '—');
  assert.equal(planckToChartNumber('1234567800000000'), 1234.5678);
});

test('raw values, addresses and lease ids', () => {
  assert.equal(rawValue('12'), '12');
  assert.equal(rawValue(12), '12');
  assert.equal(rawValue(null), 'null');
  assert.equal(rawValue(false), 'false');
  assert.equal(rawValue({ a: [1, '2'] }), '{"a":[1,"2"]}');
  assert.equal(shortAddress('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'), '5Grwva…GKutQY');
  assert.equal(parseLeaseId('42'), 42);
  assert.equal(parseLeaseId('-1'), null);
  assert.equal(parseLeaseId('1e3'), null);
  assert.equal(parseLeaseId('99999999999999999'), null);
});
