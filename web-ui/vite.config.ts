import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/** A file of an installed package (read from node_modules: the packages do not export these paths). */
const packageFile = (path: string) => readFileSync(new URL(`./node_modules/${path}`, import.meta.url));

/**
 * The integration examples (public/examples/) load jQuery and htmx the way a server-rendered site
 * would: plain <script> tags. The files come from npm (pinned in package.json) and are served
 * from this origin under /examples/vendor/ — the gateway's CSP allows no CDN.
 */
const EXAMPLE_VENDOR: Record<string, string> = {
  'jquery.min.js': 'jquery/dist/jquery.min.js',
  'htmx.min.js': 'htmx.org/dist/htmx.min.js',
};

function exampleVendor(): Plugin {
  return {
    name: 'jobcast-example-vendor',
    generateBundle() {
      for (const [name, module] of Object.entries(EXAMPLE_VENDOR)) {
        this.emitFile({ type: 'asset', fileName: `examples/vendor/${name}`, source: packageFile(module) });
      }
    },
    configureServer(server) {
      server.middlewares.use('/examples/vendor/', (request, response, next) => {
        const module = EXAMPLE_VENDOR[(request.url ?? '').replace(/^\//, '').split('?')[0]];
        if (!module) return next();
        response.setHeader('Content-Type', 'text/javascript');
        response.end(packageFile(module));
      });
    },
  };
}

// The Maven build packs the output into the web-ui jar under META-INF/resources, which the
// gateway serves at '/'. `npm run dev` proxies the API to a running suite (JOBCAST_GATEWAY,
// default http://localhost:8080, as ./jobcast start runs it).
const gateway = process.env.JOBCAST_GATEWAY ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react(), exampleVendor()],
  build: {
    outDir: 'target/classes/META-INF/resources',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: gateway, ws: true },
      '/jobs': { target: gateway },
    },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
    setupFiles: ['src/test-setup.ts'],
  },
});
