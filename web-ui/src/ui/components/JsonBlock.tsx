export function JsonBlock({ value, testId }: { value: unknown; testId?: string }) {
  return <pre className="json" data-testid={testId} tabIndex={0}>{JSON.stringify(value, null, 2)}</pre>;
}
