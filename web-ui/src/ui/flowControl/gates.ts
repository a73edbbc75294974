import type { Gates } from '../api';

/*
 * The API names each gate (limits.lua): `tenant` and `type:<type>` (limits), `key:<type>:<key>`
 * (a type's limit per concurrencyKey, one gate per key), `paused:tenant` and `paused:type:<type>`.
 * Job types cannot contain ':', so a gate's prefix names its type unambiguously.
 */
const TENANT_GATES = ['tenant', 'paused:tenant'];

function belongsTo(gate: string, type: string): boolean {
  return gate === `type:${type}` || gate === `paused:type:${type}` || gate.startsWith(`key:${type}:`);
}

function sum(counts: Record<string, number> | undefined, include: (gate: string) => boolean): number {
  return Object.entries(counts ?? {}).reduce((total, [gate, n]) => (include(gate) ? total + n : total), 0);
}

/** How many of the tenant's jobs of a type its pause or its limits (in all or per key) hold. */
export function heldOfType(gates: Gates | null, type: string): number {
  return sum(gates?.held, (gate) => belongsTo(gate, type));
}

/** How many jobs the tenant-wide pause or limit holds. */
export function heldOfTenant(gates: Gates | null): number {
  return sum(gates?.held, (gate) => TENANT_GATES.includes(gate));
}

/** The keys of a type whose per-key limit holds jobs, with how many each holds: what a busy customer looks like. */
export function heldKeys(gates: Gates | null, type: string): [key: string, held: number][] {
  const prefix = `key:${type}:`;
  return Object.entries(gates?.held ?? {}).filter(([gate]) => gate.startsWith(prefix)).map(([gate, n]) => [gate.slice(prefix.length), n]);
}

/**
 * The types to list: those with a queue, then those with a limit or pause but no queue (no worker
 * offers them now), so that a pause can always be seen and lifted.
 */
export function typesToList(queueTypes: readonly string[], gates: Gates | null): string[] {
  const extra = Object.keys(gates?.types ?? {}).filter((type) => !queueTypes.includes(type)).sort();
  return [...queueTypes, ...extra];
}
