// @vitest-environment jsdom
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ProblemError, type Gates, type JobApi, type Queues, type TypeLimits } from '../api';
import { QueuesSection } from './QueuesSection';

const queues: Queues = {
  queues: [
    { queue: 'jobs.demo.sleep', type: 'demo.sleep', ready: 4, consumers: 2, jobs: { QUEUED: 12, RUNNING: 3 } },
    { queue: 'jobs.demo.cpu', type: 'demo.cpu', ready: 0, consumers: 2, jobs: {} },
  ],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The API's flow control, kept like the server keeps it; every answer a copy of the gates as they
 * are when asked. `readMs` delays the answers to reads: a slow read of the gates from before a
 * change can then arrive after the change's own answer.
 */
function fakeServer(gates: Gates, readMs = 0) {
  const answer = async (latencyMs = 0) => {
    const now = structuredClone(gates);
    await sleep(latencyMs);
    return now;
  };
  const setPaused = (type: string, paused: boolean) => {
    gates.types = { ...gates.types, [type]: { ...gates.types?.[type], paused } };
    return answer();
  };
  return {
    limits: vi.fn(() => answer(readMs)),
    pauseType: vi.fn((type: string) => setPaused(type, true)),
    resumeType: vi.fn((type: string) => setPaused(type, false)),
    pauseAll: vi.fn(() => ((gates.paused = true), answer())),
    resumeAll: vi.fn(() => ((gates.paused = false), answer())),
    setTenantLimit: vi.fn((concurrency?: number) => ((gates.concurrency = concurrency), answer())),
    setTypeLimits: vi.fn((type: string, limits: TypeLimits) => {
      gates.types = { ...gates.types, [type]: { paused: gates.types?.[type]?.paused ?? false, ...limits } };
      return answer();
    }),
  } satisfies Partial<JobApi>;
}

function renderQueues(api: Partial<JobApi>, refreshMs = 60_000) {
  render(<QueuesSection api={api as JobApi} queues={queues} perType={new Map()} refreshMs={refreshMs} />);
}

const row = (type: string) => screen.getByTestId(`queue-${type}`);

describe('QueuesSection: pauses', () => {
  it('pauses a type and resumes it: the row says so, and the button turns', async () => {
    const api = fakeServer({ types: {}, held: { 'key:demo.sleep:customer-42': 7 } });
    renderQueues(api);

    await userEvent.click(await screen.findByTestId('pause-demo.sleep'));

    expect(api.pauseType).toHaveBeenCalledWith('demo.sleep');
    await waitFor(() => expect(row('demo.sleep').dataset.paused).toBe('true'));
    expect(within(row('demo.sleep')).getByText('Paused')).toBeTruthy();
    expect(screen.queryByTestId('pause-demo.sleep')).toBeNull();
    expect(row('demo.cpu').dataset.paused).toBe('false');
    expect(screen.getByTestId('held-demo.sleep').textContent).toBe('7 (customer-42 7)');

    await userEvent.click(screen.getByTestId('resume-demo.sleep'));

    expect(api.resumeType).toHaveBeenCalledWith('demo.sleep');
    await waitFor(() => expect(row('demo.sleep').dataset.paused).toBe('false'));
    expect(within(row('demo.sleep')).queryByText('Paused')).toBeNull();
    expect(screen.getByTestId('pause-demo.sleep')).toBeTruthy();
  });

  it('never shows a read from before a pause once the pause answered (reads run every few ms here)', async () => {
    const api = fakeServer({ types: {} }, 60);
    renderQueues(api, 5);
    const pause = await screen.findByTestId('pause-demo.sleep');
    const seen: string[] = [];
    new MutationObserver(() => seen.push(row('demo.sleep').dataset.paused!)).observe(row('demo.sleep'), { attributes: true });

    await userEvent.click(pause);
    await waitFor(() => expect(row('demo.sleep').dataset.paused).toBe('true'));
    await sleep(150);

    expect(api.limits.mock.calls.length).toBeGreaterThan(5);
    expect(seen).toContain('true');
    expect(seen.slice(seen.indexOf('true'))).not.toContain('false');
  });

  it('lists a paused type that has no queue, so that it can be resumed', async () => {
    const api = fakeServer({ types: { 'report.build': { paused: true } }, held: { 'paused:type:report.build': 3 } });
    renderQueues(api);

    await userEvent.click(await screen.findByTestId('resume-report.build'));

    await waitFor(() => expect(row('report.build').dataset.paused).toBe('false'));
    expect(api.resumeType).toHaveBeenCalledWith('report.build');
  });

  it('pauses all of the tenant\'s jobs and resumes them', async () => {
    const api = fakeServer({ paused: false, running: { tenant: 4 }, held: { 'paused:tenant': 2 } });
    renderQueues(api);

    await userEvent.click(await screen.findByTestId('tenant-pause'));

    await waitFor(() => expect(screen.getByTestId('tenant-controls').dataset.paused).toBe('true'));
    expect(api.pauseAll).toHaveBeenCalled();
    expect(screen.getByTestId('tenant-counts').textContent).toBe('4 running · 2 held');
    await userEvent.click(screen.getByTestId('tenant-resume'));
    await waitFor(() => expect(screen.getByTestId('tenant-controls').dataset.paused).toBe('false'));
  });

  it('says why a pause failed, until the next try', async () => {
    const api = { ...fakeServer({}), pauseType: vi.fn(async () => {
      throw new ProblemError({ type: '/problems/unavailable', title: 'Service Unavailable', status: 503 });
    }) };
    renderQueues(api);

    await userEvent.click(await screen.findByTestId('pause-demo.cpu'));

    expect((await screen.findByRole('alert')).textContent).toBe('Service Unavailable');
    expect(row('demo.cpu').dataset.paused).toBe('false');
  });
});

describe('QueuesSection: limits', () => {
  const form = (type: string) => screen.getByRole('form', { name: `Limits of ${type}` });

  it('shows a type\'s limits, sets both at once, and an empty field removes its limit', async () => {
    const api = fakeServer({ types: { 'demo.sleep': { concurrency: 10, perKey: 3, paused: false } }, running: { 'type:demo.sleep': 3 } });
    renderQueues(api);
    const limits = await waitFor(() => {
      expect((within(form('demo.sleep')).getByLabelText('At once') as HTMLInputElement).value).toBe('10');
      return within(form('demo.sleep'));
    });
    expect((limits.getByLabelText('Per key') as HTMLInputElement).value).toBe('3');
    expect(row('demo.sleep').textContent).toContain('3 running');

    await userEvent.clear(limits.getByLabelText('At once'));
    await userEvent.clear(limits.getByLabelText('Per key'));
    await userEvent.type(limits.getByLabelText('Per key'), '5');
    await userEvent.click(limits.getByRole('button', { name: 'Set' }));

    expect(api.setTypeLimits).toHaveBeenCalledWith('demo.sleep', { perKey: 5 });
    await waitFor(() => expect((limits.getByLabelText('Per key') as HTMLInputElement).value).toBe('5'));
    expect((limits.getByLabelText('At once') as HTMLInputElement).value).toBe('');
  });

  it('refuses a limit out of range next to its field, and sends nothing', async () => {
    const api = fakeServer({});
    renderQueues(api);
    const limits = within(await screen.findByRole('form', { name: 'Limits of demo.cpu' }));

    await userEvent.type(limits.getByLabelText('At once'), '0');
    await userEvent.click(limits.getByRole('button', { name: 'Set' }));

    const field = limits.getByLabelText('At once');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(field.getAttribute('aria-describedby')!)?.textContent)
      .toBe('A whole number from 1 to 100,000, or empty for no limit.');
    expect(api.setTypeLimits).not.toHaveBeenCalled();

    await userEvent.type(field, '0'); // "00": still not a limit; typing clears the mistake until the next try
    expect(field.getAttribute('aria-invalid')).toBeNull();
  });

  it('shows the API\'s 400 next to the field it names, and keeps what was typed', async () => {
    const api = { ...fakeServer({}), setTypeLimits: vi.fn(async () => {
      throw new ProblemError({ type: '/problems/invalid-limits', title: 'Invalid limits', status: 400,
        errors: [{ field: 'perKey', detail: 'must be from 1 to 100000' }] });
    }) };
    renderQueues(api);
    const limits = within(await screen.findByRole('form', { name: 'Limits of demo.sleep' }));

    await userEvent.type(limits.getByLabelText('Per key'), '7');
    await userEvent.click(limits.getByRole('button', { name: 'Set' }));

    const field = limits.getByLabelText('Per key');
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(field.getAttribute('aria-describedby')!)?.textContent).toBe('must be from 1 to 100000');
    expect(limits.getByRole('alert').textContent).toBe('Invalid limits');
    expect((field as HTMLInputElement).value).toBe('7');
  });

  it('sets the tenant\'s limit, and removes it when emptied', async () => {
    const api = fakeServer({ concurrency: 20 });
    renderQueues(api);
    const limits = within(await screen.findByRole('form', { name: 'Limit of all your jobs' }));
    await waitFor(() => expect((limits.getByLabelText('At once') as HTMLInputElement).value).toBe('20'));

    await userEvent.clear(limits.getByLabelText('At once'));
    await userEvent.click(limits.getByRole('button', { name: 'Set' }));

    expect(api.setTenantLimit).toHaveBeenCalledWith(undefined);
  });
});
