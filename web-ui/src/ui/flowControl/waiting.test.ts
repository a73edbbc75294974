import { describe, expect, it } from 'vitest';
import { applyEvents, emptyView } from '../../jobcast-client';
import { event } from '../../jobcast-client/testing/fakes';
import { jobRow } from '../testing/jobs';
import { waitingReason } from './waiting';

const queued = { type: 'state' as const, state: 'QUEUED' as const, attempt: 0, percent: 0, message: 'queued' };
const held = { type: 'held' as const, state: 'QUEUED' as const, attempt: 0, percent: 0, message: 'waits: demo.sleep is paused' };
const heldJob = jobRow('j1', { state: 'QUEUED', lastSeq: 2, heldBy: 'paused:type:demo.sleep', progress: { percent: 0, message: 'waits: demo.sleep is paused' } });

describe('waitingReason', () => {
  it('is the message of the job\'s latest held event while it is queued', () => {
    const view = applyEvents(emptyView('j1'), [event(1, queued), event(2, held)]);
    expect(waitingReason(view, null)).toBe('waits: demo.sleep is paused');
    expect(waitingReason(applyEvents(view, [event(3, { type: 'state', state: 'RUNNING' })]), null)).toBeNull();
  });

  it('is the record\'s until events newer than it say otherwise', () => {
    expect(waitingReason(emptyView('j1'), heldJob)).toBe('waits: demo.sleep is paused');
    expect(waitingReason(applyEvents(emptyView('j1'), [event(1, queued)]), heldJob)).toBe('waits: demo.sleep is paused'); // the record is newer
    expect(waitingReason(applyEvents(emptyView('j1'), [event(1, queued), event(2, held), event(3, { type: 'state', state: 'RUNNING' })]), heldJob)).toBeNull();
    expect(waitingReason(emptyView('j1'), jobRow('j1', { state: 'QUEUED' }))).toBeNull();
  });
});
