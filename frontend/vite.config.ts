/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The webview's Content Security Policy: no inline, remote or eval'd script, no plugins,
 * no <base>, no form posts, connections only to the app's own origin (in a dev build's
 * browser that includes its /wails/ipc WebSocket). Inline styles stay allowed because
 * CodeMirror (style-mod) and Wails' dev overlay insert <style> elements, and a static page
 * cannot give them a per-load nonce. The Go side sends the same policy as a header, plus
 * frame-ancestors, which a <meta> cannot carry (contentSecurityPolicy in app.go); the e2e
 * suite checks that the two agree.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Writes the policy into the built index.html as a <meta>, first in <head>, so it holds in
 * every webview whatever headers reach it. Only in `vite build`: the dev server (used by
 * `wails dev`) injects React Refresh's inline preamble script, which the policy forbids.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'devarch-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy },
        injectTo: 'head-prepend',
      },
    ],
  };
}

// The Go side embeds frontend/dist for production builds and serves it with -assetdir in
// dev builds, so the output directory and relative asset paths matter.
export default defineConfig({
  plugins: [react(), contentSecurityPolicyMeta()],
  base: './',
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: { strictPort: true, port: 5173 },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    mockReset: true,
    css: false,
    // Pages with the CodeMirror editor take a few seconds each in jsdom on a small CI machine.
    testTimeout: 20_000,
  },
});
