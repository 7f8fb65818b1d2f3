import type { NextConfig } from "next";

const config: NextConfig = {
  // Native/wasm packages must be loaded by Node, not bundled: Cedar ships wasm, PGlite ships
  // its Postgres build as wasm + data files, pg has optional native bindings.
  serverExternalPackages: ["@cedar-policy/cedar-wasm", "@electric-sql/pglite", "pg"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default config;
