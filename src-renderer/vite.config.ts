import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The dev server's hot-reload preamble is an inline script, which the page's strict CSP meta would
 * block; during `npm run dev` Electron sends the CSP as a header instead (src-main/app/window.ts).
 */
const devWithoutCspMeta: Plugin = {
  name: 'retrovue-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/\s*<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
};

// Vite substitutes __dirname in config files; paths below are relative to this folder (the root).
export default defineConfig({
  root: __dirname,
  base: './',
  plugins: [react(), devWithoutCspMeta],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: { port: 5173, strictPort: true, host: '127.0.0.1' },
});
