/**
 * The dashboard's build: Preact's JSX through Vite's own transform (no Babel), hashed assets,
 * no inline script (the server's Content-Security-Policy allows only its own files). The server
 * builds with this file (src/server/dashboard.ts); `npx vite web` serves it for development,
 * with /api passed to a `stint serve` on port 8080.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    // The polyfill would be an inline script; every browser the dashboard supports has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // .vite/manifest.json: which chunk is which (the bundle-size test reads it; never served).
    manifest: true,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
