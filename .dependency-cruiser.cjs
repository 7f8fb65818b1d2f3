// The layering of lib/, checked in `npm test` (npm run lint:layers). The offline verifier
// (sdk/audit) is cruised in a second run of its own: lib/demo drives the agent client in sdk/, so
// one run over both would see the folders lib and sdk reach each other, a cycle no module has.
// docs/architecture.md says what each
// layer holds; each rule's comment says why it exists. Run through scripts/depcruise-ts.cjs, since
// dependency-cruiser needs a TypeScript with a JS API (the project's TypeScript 7 has none).

// Folders below lib/services that must not reach up into it (or past it).
const ABOVE_DATA = "^lib/(services|api|server|audit|auth|realtime|reports|identity|demo)/|^lib/startup\\.ts$|^app/";
// Anything that does I/O or holds state across requests.
const IO = "^lib/(db|services|api|server|audit|auth|realtime|reports|identity|demo|client)/|^lib/startup\\.ts$";
// The same minus the table definitions, whose row types pure code may read.
const IO_BUT_TABLE_TYPES = IO.replace("^lib/(db|", "^lib/db/(?!schema/)|^lib/(");
// What the offline verifier may build on: hashing, notes, range proofs, the chain (docs/audit-log.md).
const VERIFIER_PURE = "^lib/audit/log/(merkle|note|range)\\.ts$|^lib/audit/chain\\.ts$";
const NODE_IO = "^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|dns|tls|worker_threads|cluster)$";

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A module cycle makes load order matter and hides which side owns what.",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-folder-cycles",
      severity: "error",
      scope: "folder",
      comment:
        "The lib/ folders are layers (docs/architecture.md): if two reach each other, neither is below the other. " +
        "A folder here includes its sub-folders, so lib/services/* are covered too.",
      from: { path: "^lib/", pathNot: "^lib/services/[^/]+" },
      to: { circular: true },
    },
    {
      name: "no-service-folder-cycles",
      severity: "error",
      scope: "folder",
      comment:
        "Service areas (lib/services/<area>) call each other in one direction only: an area whose verbs call " +
        "another's, and are called back by it, has no owner for what lies between them.",
      from: { path: "^lib/services/[^/]+" },
      to: { circular: true },
    },
    {
      name: "runtime-at-the-top",
      severity: "error",
      comment:
        "lib/runtime.ts composes the process (database, writer, caches, feed, clock): only the callers' layer " +
        "(lib/api, lib/server, lib/startup.ts, app) takes it and hands services the parts they use (docs/architecture.md).",
      from: { pathNot: ["^lib/api/", "^lib/server/", "^lib/startup\\.ts$", "^lib/runtime\\.ts$", "^app/", "\\.test\\.ts$"] },
      to: { path: "^lib/runtime\\.ts$" },
    },
    {
      name: "policy-is-pure",
      severity: "error",
      comment: "lib/policy is the decision logic: pure functions, unit-tested without a database, a network or a clock. " +
        "It may read the table definitions' row types (lib/db/schema), not the client or the queries.",
      from: { path: "^lib/policy/" },
      to: { path: [IO_BUT_TABLE_TYPES, "^lib/(domain|frameworks)/", "^app/", "^components/"] },
    },
    {
      name: "policy-no-node-io",
      severity: "error",
      comment: "lib/policy does no I/O: no files, sockets or processes.",
      from: { path: "^lib/policy/" },
      to: { dependencyTypes: ["core"], path: NODE_IO },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment:
        "lib/domain holds schemas, constants, pure helpers and view types that both the data layer and the browser import; " +
        "it may use lib/policy's pure checks and the table definitions' types, nothing that does I/O.",
      from: { path: "^lib/domain/" },
      to: { path: [IO_BUT_TABLE_TYPES, "^app/", "^components/"] },
    },
    {
      name: "errors-know-no-layer",
      severity: "error",
      comment: "lib/errors.ts (and the other base modules: canonical JSON, storable text) is imported by every layer (services, routes, the data layer, lib/policy); it must import none of them.",
      from: { path: "^lib/(errors|canonical-json|storable)\\.ts$" },
      to: { path: "^(lib|app|components)/" },
    },
    {
      name: "db-below-services",
      severity: "error",
      comment:
        "lib/db (client, schema, queries) is the bottom I/O layer: services, routes and pages call it, never the reverse. " +
        "What both need (schemas, constants, pure helpers) lives in lib/domain.",
      from: { path: "^lib/db/" },
      to: { path: [ABOVE_DATA, "^lib/client/", "^components/"] },
    },
    {
      name: "services-below-api",
      severity: "error",
      comment:
        "Services know no HTTP: they throw DomainError (lib/errors.ts) and lib/api maps codes to statuses. " +
        "Tests may check that mapping, so they are exempt.",
      from: { path: "^lib/(services|audit|reports|auth|identity|realtime|frameworks)/", pathNot: "\\.test\\.ts$" },
      to: { path: ["^lib/(api|server)/", "^lib/startup\\.ts$", "^app/", "^components/"] },
    },
    {
      name: "frameworks-are-data",
      severity: "error",
      comment: "The framework catalog and mapping are pure data and lookups; reports and services build on them.",
      from: { path: "^lib/frameworks/" },
      to: { path: [IO, "^lib/reports/"] },
    },
    {
      name: "browser-code-no-server-layers",
      severity: "error",
      comment:
        "components/ and lib/client run in the browser: they may use lib/domain, lib/policy, lib/frameworks and " +
        "report types, never the database, services, auth or the HTTP layer (type-only imports included, so no " +
        "server module is ever one edit away from the bundle).",
      from: { path: "^(components|lib/client)/" },
      to: { path: ["^lib/(db|services|api|server|audit|auth|realtime|identity|demo)/", "^lib/startup\\.ts$", "^lib/reports/(?!types\\.ts$)", "^app/"] },
    },
    {
      name: "routes-read-through-queries",
      severity: "error",
      comment:
        "Route handlers and pages read through lib/db/queries and write through lib/services; they never build " +
        "SQL themselves (no table definitions, no drizzle-orm, no pg).",
      from: { path: "^app/" },
      to: { path: ["^lib/db/(schema|raw)", "^node_modules/(drizzle-orm|pg)/"] },
    },
    {
      name: "verifier-stands-alone",
      severity: "error",
      comment:
        "The offline verifier (sdk/audit, `npx warden-audit`) is run by people who do not trust the server: it must " +
        "recompute everything from the pure hashing and note modules and read the database only through `pg`, never " +
        "through the server's runtime, client, services or stored tiles. The pure modules it uses stay pure for the same reason.",
      from: { path: ["^sdk/audit/", VERIFIER_PURE] },
      // node's own modules (crypto, fs, readline) are fine: the rule is about whose code the verifier trusts.
      // esbuild: tsx runs the verifier's TypeScript with it (warden-audit.mjs), and the hashing
      // workers get the same modules bundled by it (sdk/audit/hash-pool.ts).
      to: { pathNot: ["^sdk/audit/", VERIFIER_PURE, "^lib/canonical-json\\.ts$", "^node_modules/pg/", "^node_modules/esbuild/"], dependencyTypesNot: ["core"] },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    // Tests are leaves (nothing imports them) and may reach across layers to check a mapping;
    // they would only add folder edges that no running code has.
    exclude: { path: ["node_modules", "\\.test\\.ts$", "(^|/)fixtures/"] },
  },
};
