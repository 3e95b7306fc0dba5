import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The window loads the built files (`ui/dist`); `vite` alone serves them for the dev loop.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: { outDir: "dist", target: "es2022", emptyOutDir: true },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
  },
});
