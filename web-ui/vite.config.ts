import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The Maven build packs the output into the web-ui jar under META-INF/resources, which the
// gateway serves at '/'. `npm run dev` proxies the API to a suite started with ./jobcast start.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'target/classes/META-INF/resources',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: 'http://localhost:8080', ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
