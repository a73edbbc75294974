// @vitest-environment jsdom
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ProblemError, type JobApi } from '../api';
import { SubmitPage } from './SubmitPage';

function fakeApi(over: Partial<JobApi> = {}): JobApi {
  return {
    jobTypes: async () => [
      { type: 'demo.cpu', description: 'Chains SHA-256.', example: { iterations: 1000 } },
      { type: 'demo.sleep', description: 'Sleeps per step.', example: { steps: 10, stepMillis: 500 } },
    ],
    submit: vi.fn(),
    submitBatch: vi.fn(),
    submitFlow: vi.fn(async () => ({ flow: { id: 'f1', type: 'flow' }, children: [] })),
    ...over,
  } as unknown as JobApi;
}

describe('SubmitPage', () => {
  it('offers the types the API lists, with the example payload of the one chosen', async () => {
    render(<SubmitPage api={fakeApi()} />);
    await waitFor(() => expect(screen.getByLabelText('Job type')).toHaveProperty('value', 'demo.sleep'));
    expect(JSON.parse((screen.getByLabelText('Payload (JSON)') as HTMLTextAreaElement).value)).toEqual({ steps: 10, stepMillis: 500 });

    await userEvent.selectOptions(screen.getByLabelText('Job type'), 'demo.cpu');
    expect(JSON.parse((screen.getByLabelText('Payload (JSON)') as HTMLTextAreaElement).value)).toEqual({ iterations: 1000 });
    expect(screen.getByText('Chains SHA-256.')).toBeTruthy();
  });

  it('shows a JSON mistake inline as it is typed, and submits nothing', async () => {
    const api = fakeApi();
    render(<SubmitPage api={api} />);
    const payload = await screen.findByLabelText('Payload (JSON)');
    await waitFor(() => expect((payload as HTMLTextAreaElement).value).toContain('steps'));

    await userEvent.clear(payload);
    await userEvent.type(payload, '{{"steps": 1,');
    expect(payload.getAttribute('aria-invalid')).toBe('true');
    const error = document.getElementById(payload.getAttribute('aria-describedby')!);
    expect(error?.textContent).toMatch(/^Not valid JSON/);

    await userEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(api.submit).not.toHaveBeenCalled();
  });

  it('shows the API\'s own field errors next to the fields', async () => {
    const api = fakeApi({
      submit: vi.fn(async () => {
        throw new ProblemError({ type: '/problems/invalid-job', title: 'Invalid job', status: 400, errors: [{ field: 'payload.steps', detail: 'must be at least 1' }] });
      }),
    });
    render(<SubmitPage api={api} />);
    await waitFor(() => expect((screen.getByLabelText('Payload (JSON)') as HTMLTextAreaElement).value).toContain('steps'));

    await userEvent.click(screen.getByRole('button', { name: 'Submit' }));

    expect(await screen.findByText('must be at least 1')).toBeTruthy();
    expect(screen.getByLabelText('Payload (JSON)').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toContain('Invalid job');
  });

  it('submits a flow of 10 copies of the job as typed and opens the flow', async () => {
    const api = fakeApi();
    render(<SubmitPage api={api} />);
    await waitFor(() => expect((screen.getByLabelText('Payload (JSON)') as HTMLTextAreaElement).value).toContain('steps'));

    await userEvent.click(screen.getByRole('button', { name: 'Submit a flow of 10' }));

    expect(api.submitFlow).toHaveBeenCalledWith({ children: Array(10).fill({ type: 'demo.sleep', payload: { steps: 10, stepMillis: 500 } }) });
    await waitFor(() => expect(window.location.pathname).toBe('/ui/jobs/f1'));
  });
});
