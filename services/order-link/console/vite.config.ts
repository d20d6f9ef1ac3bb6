import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built into console/dist and served by order-link under /console with a strict CSP: no inline
// scripts or styles, no external fonts or CDNs.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
  },
  server: {
    // `npx vite services/order-link/console` for UI work against a running order-link.
    proxy: { '/console/api': 'http://127.0.0.1:8080' },
  },
});
