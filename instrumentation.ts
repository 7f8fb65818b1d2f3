// Next calls register() once per server process, before serving requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startWardenOrExit } = await import("@/lib/startup");
  await startWardenOrExit();
}
