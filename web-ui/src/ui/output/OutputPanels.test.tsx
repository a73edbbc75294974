// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobcastClient, type JobOutputs, type JobState } from '../../jobcast-client';
import { FakeEventSource, FakeWebSocket, frame } from '../../jobcast-client/testing/fakes';
import { LogPanel } from './LogPanel';
import { OutputPanel } from './OutputPanel';
import { useOutputList } from './useOutputs';

let client: JobcastClient;

beforeEach(() => {
  FakeWebSocket.instances = [];
  FakeEventSource.instances = [];
  client = new JobcastClient({
    token: 'st1.t',
    baseUrl: 'https://jobs.example',
    shareAcrossTabs: false,
    environment: {
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
      EventSource: FakeEventSource as unknown as typeof EventSource,
      fetch: (() => new Promise(() => undefined)) as typeof fetch,
    },
  });
});

afterEach(() => {
  client.close();
});

/** The socket the panel subscribed on, open and acknowledged; `send` plays the server's frames. */
async function server(output: string) {
  await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
  const socket = FakeWebSocket.last;
  act(() => {
    socket.open();
    socket.acknowledge();
  });
  expect(socket.sent).toEqual([{ op: 'subscribe', jobId: 'j1', output, after: 0 }]);
  let offset = 0;
  return (text: string, attempt = 1) => {
    act(() => socket.receive(frame(offset, text, { output, attempt })));
    offset += new TextEncoder().encode(text).length;
  };
}

const LOG = [
  '2026-12-06T09:00:01.000Z DEBUG connecting',
  '2026-12-06T09:00:02.000Z INFO  connected',
  '2026-12-06T09:00:03.000Z WARN  slow answer',
  '2026-12-06T09:00:04.000Z ERROR lost it:',
  '    connection reset',
  '',
].join('\n');

describe('OutputPanel', () => {
  it('shows the text as it grows, with a divider where a new attempt\'s section starts', async () => {
    render(<OutputPanel client={client} jobId="j1" name="text" generation={0} />);
    const send = await server('text');
    send('The answer ');
    send('is 4');
    await waitFor(() => expect(screen.getByTestId('output-text').textContent).toBe('The answer is 4'));
    expect(screen.queryAllByTestId('section-divider')).toHaveLength(0);

    send('The answer is 42', 2);

    await waitFor(() => expect(screen.getAllByTestId('section-divider').map((d) => d.textContent)).toEqual(['attempt 2']));
    expect(screen.getByTestId('output-text').textContent).toBe('The answer is 4attempt 2The answer is 42');
  });
});

describe('LogPanel', () => {
  it('shows each line with its level, and filters by level and by text', async () => {
    render(<LogPanel client={client} jobId="j1" generation={0} />);
    const send = await server('log');
    send(LOG);

    const lines = () => [...screen.getByTestId('output-log').querySelectorAll('.log-line')].map((line) => (line as HTMLElement).dataset.level);
    await waitFor(() => expect(lines()).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']));
    expect(screen.getByTestId('output-log').querySelector('.log-error .log-level')?.className).toBe('log-level level-error');
    expect(screen.getByTestId('output-log').textContent).toContain('lost it:\n    connection reset');

    await userEvent.selectOptions(screen.getByLabelText('Level'), 'WARN');
    expect(lines()).toEqual(['WARN', 'ERROR']);
    await userEvent.selectOptions(screen.getByLabelText('Level'), '');
    await userEvent.type(screen.getByLabelText('Search'), 'RESET');
    expect(lines()).toEqual(['ERROR']);
    expect(screen.getByTestId('log-count').textContent).toContain('1 of 4 lines');
  });

  it('marks a retry\'s lines with a divider', async () => {
    render(<LogPanel client={client} jobId="j1" generation={0} />);
    const send = await server('log');
    send('2026-12-06T09:00:01.000Z INFO  first try\n');
    send('2026-12-06T09:00:09.000Z INFO  second try\n', 2);

    await waitFor(() => expect(screen.getAllByTestId('section-divider').map((d) => d.textContent)).toEqual(['attempt 2']));
  });

  it('follows the end until the reader scrolls up, and again when asked', async () => {
    render(<LogPanel client={client} jobId="j1" generation={0} />);
    const send = await server('log');
    const box = screen.getByTestId('output-log');
    let height = 1000;
    Object.defineProperty(box, 'scrollHeight', { get: () => height });
    Object.defineProperty(box, 'clientHeight', { get: () => 200 });
    const follow = screen.getByLabelText('Follow') as HTMLInputElement;
    expect(follow.checked).toBe(true);

    send(LOG);
    await waitFor(() => expect(box.scrollTop).toBe(1000));

    box.scrollTop = 300; // the reader scrolls up
    fireEvent.scroll(box);
    expect(follow.checked).toBe(false);
    height = 1200;
    send('2026-12-06T09:00:05.000Z INFO  more\n');
    await waitFor(() => expect(box.querySelectorAll('.log-line')).toHaveLength(5));
    expect(box.scrollTop).toBe(300);

    await userEvent.click(follow);
    expect(follow.checked).toBe(true);
    expect(box.scrollTop).toBe(1200);
  });
});

describe('useOutputList', () => {
  function List({ state, lastSeq, done, lister }: { state: JobState; lastSeq: number; done: boolean; lister: JobcastClient }) {
    const outputs = useOutputList(lister, 'j1', { state, lastSeq, done }, 100);
    return <p data-testid="names">{outputs.map((o) => o.name).join(',')}</p>;
  }
  const sleep = (ms: number) => act(() => new Promise((resolve) => setTimeout(resolve, ms)));

  it('reads when the page opens, at most once an interval while events arrive, and once when the job ends', async () => {
    let state: JobState = 'RUNNING';
    const reads: number[] = [];
    const read = vi.fn(async (): Promise<JobOutputs> => {
      reads.push(performance.now());
      return { jobId: 'j1', state, outputs: [{ name: 'log', length: 10, sections: [] }] };
    });
    const lister = { listOutputs: read } as unknown as JobcastClient;
    const { rerender } = render(<List state="RUNNING" lastSeq={0} done={false} lister={lister} />);
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('log'));
    expect(reads).toHaveLength(1);

    for (let seq = 1; seq <= 12; seq++) {
      rerender(<List state="RUNNING" lastSeq={seq} done={false} lister={lister} />);
      await sleep(20);
    }
    await sleep(150); // the last events' read, which waited for the interval
    expect(reads.length).toBeGreaterThanOrEqual(3);
    // Timers may fire a millisecond early: the gaps are the interval, give or take that.
    reads.slice(1).forEach((at, i) => expect(at - reads[i]).toBeGreaterThanOrEqual(98));

    state = 'SUCCEEDED';
    const before = reads.length;
    rerender(<List state="SUCCEEDED" lastSeq={13} done lister={lister} />);
    await waitFor(() => expect(reads).toHaveLength(before + 1));
    rerender(<List state="SUCCEEDED" lastSeq={13} done lister={lister} />);
    await sleep(150);
    expect(reads).toHaveLength(before + 1);
  });
});
