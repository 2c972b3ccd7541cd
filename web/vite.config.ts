/**
 * The web app's build: `api/web/build.ts` runs it on first start (or `npm run build:web`); `npx vite
 * web` serves it in development with /graphql proxied to a running `tracegraph demo` on port 4000.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1200, reportCompressedSize: false },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true }, '/metrics': 'http://127.0.0.1:4000' } },
});
