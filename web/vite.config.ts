// Builds the admin UI into web/dist, which `cirrus api` serves (src/api/static_files.cc).
// `npm run dev` proxies the API to CIRRUS_API (default http://127.0.0.1:8000).
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const api = process.env.CIRRUS_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    proxy: { "/api": api, "/openapi.json": api, "/docs": api, "/healthz": api },
  },
});
