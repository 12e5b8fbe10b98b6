import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway serves dist/ at `/`. In development (`npm run dev -w @streamgate/web`) Vite proxies
// the API to a gateway on port 8000, so the app stays same-origin as it is in production.
const gateway = process.env.STREAMGATE_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/v1': { target: gateway, ws: true },
      '/api': { target: gateway },
      '/ws': { target: gateway, ws: true },
      '/ready': { target: gateway },
      '/health': { target: gateway },
    },
  },
});
