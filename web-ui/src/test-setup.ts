// Components' tests opt into a DOM with `// @vitest-environment jsdom`; clean up what they render.
import { afterEach } from 'vitest';

afterEach(async () => {
  if (typeof document !== 'undefined') {
    const { cleanup } = await import('@testing-library/react');
    cleanup();
  }
});
