import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Vite substitutes __dirname in config files; paths below are relative to this folder (the root).
export default defineConfig({
  root: __dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: { port: 5173, strictPort: true, host: '127.0.0.1' },
});
