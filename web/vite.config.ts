/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// In development the API runs in a separate `nextra serve`; proxy to it so the page and the
// API share one origin exactly as in production (cookies and CSRF behave the same).
const apiTarget = process.env.NEXTRA_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: { proxy: { '/api': { target: apiTarget, changeOrigin: false } } },
  // Monaco is big by nature and lazy-loaded; the plugin-timing report is noise in our logs.
  build: { outDir: 'dist', chunkSizeWarningLimit: 8000, rolldownOptions: { checks: { pluginTimings: false } } },
  test: { include: ['src/**/*.test.ts', 'src/**/*.test.tsx'], environment: 'node' },
});
