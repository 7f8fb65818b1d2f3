// Next calls register() once per server process, before serving requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startWarden } = await import("@/lib/startup");
  try {
    await startWarden();
  } catch (err) {
    console.error("[warden] startup failed:", err);
    process.exit(1);
  }
}
