import { describe, expect, it } from 'vitest';
import type { Gates } from '../api';
import { heldKeys, heldOfTenant, heldOfType, typesToList } from './gates';

const gates: Gates = {
  concurrency: 20,
  paused: false,
  types: { 'demo.sleep': { concurrency: 10, perKey: 3, paused: true }, 'report.build': { paused: true } },
  running: { tenant: 4, 'type:demo.sleep': 3, 'key:demo.sleep:customer-42': 2 },
  held: { 'paused:type:demo.sleep': 5, 'key:demo.sleep:customer-42': 7, 'key:demo.sleeper:x': 1, tenant: 2, 'paused:tenant': 1 },
};

describe('gates', () => {
  it('counts the jobs a type\'s gates hold, its keys\' included, and no other type\'s', () => {
    expect(heldOfType(gates, 'demo.sleep')).toBe(12);
    expect(heldOfType(gates, 'demo.sleeper')).toBe(1);
    expect(heldOfType(gates, 'demo.cpu')).toBe(0);
    expect(heldOfType(null, 'demo.sleep')).toBe(0);
    expect(heldKeys(gates, 'demo.sleep')).toEqual([['customer-42', 7]]);
  });

  it('counts the jobs the tenant-wide pause and limit hold', () => {
    expect(heldOfTenant(gates)).toBe(3);
  });

  it('lists the types with a queue, then those with only a limit or pause, so that a pause can always be lifted', () => {
    expect(typesToList(['demo.cpu', 'demo.sleep'], gates)).toEqual(['demo.cpu', 'demo.sleep', 'report.build']);
    expect(typesToList(['demo.cpu'], null)).toEqual(['demo.cpu']);
  });
});
