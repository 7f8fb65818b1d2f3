import type { MetadataRoute } from "next";

// Served at /manifest.webmanifest (Next links it from every page). The icons live in public/,
// rendered from public/logo-mark.svg by scripts/gen-icons.mjs.
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Warden",
    short_name: "Warden",
    description: "Runtime governance for AI agents",
    start_url: "/",
    display: "standalone",
    background_color: "#ffffff",
    theme_color: "#2563eb",
    icons: [
      { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
    ],
  };
}
