import type { NextConfig } from "next";

const config: NextConfig = {
  // Native/wasm packages must be loaded by Node, not bundled: Cedar ships wasm, PGlite ships
  // its Postgres build as wasm + data files, pg has optional native bindings, pdfkit reads its
  // standard-font metrics (.afm) from its own folder at run time.
  serverExternalPackages: ["@cedar-policy/cedar-wasm", "@electric-sql/pglite", "pg", "pdfkit"],
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
