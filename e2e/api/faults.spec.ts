import { expect, test } from "@playwright/test";
import { appProcessDies, failover, failoverBehindName, postgresDownUnderLoad, PostgresFleet, rollingRestart, SHORT, sigkillMidBatch, type Report } from "../../tests/faults/scenarios";

// Issue 26, points 4 and 6, short: two Warden instances (each a front and its app process) on a
// private Postgres of the test's own, behind a small round-robin balancer, under a steady load of
// decisions; then Postgres crashes, each instance is restarted in turn, Postgres fails over to a
// promoted streaming replica, an instance is killed mid-batch, an app process dies behind its
// front. After each: every allow that was answered has its decision and audit event committed,
// no decision was answered twice differently, refusals were only the documented 503 deny, and
// the load came back by itself. The scenarios are in tests/faults/scenarios.ts; `npm run faults`
// runs them longer.
test.describe.configure({ mode: "serial" });

let fleet: PostgresFleet;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  fleet = await PostgresFleet.start();
});

test.afterAll(async () => {
  await fleet?.close();
});

function held(r: Report) {
  console.log(`[faults] ${r.name}: ${JSON.stringify(r.facts)}`);
  expect(r.problems, `${r.name}\n${fleet.logs()}`).toEqual([]);
}

test("Postgres crashes and starts again under load: the 503 deny meanwhile, back by itself, nothing lost", async () => {
  test.setTimeout(120_000);
  held(await postgresDownUnderLoad(fleet, SHORT, "immediate"));
});

test("rolling restart of both instances and of Postgres behind a balancer: nothing lost, an escalation and the live feed carry over", async () => {
  test.setTimeout(180_000);
  held(await rollingRestart(fleet, SHORT));
});

test("failover to a promoted streaming replica under load: nothing lost", async () => {
  test.setTimeout(180_000);
  held(await failover(fleet, SHORT));
});

test("failover through a name that moves to the promoted replica under load: back by itself, no restart, nothing lost", async () => {
  test.setTimeout(180_000);
  held(await failoverBehindName(fleet, SHORT));
});

test("an instance killed with SIGKILL mid-batch: its requests fail at the client, the other keeps answering, nothing half-recorded", async () => {
  test.setTimeout(120_000);
  held(await sigkillMidBatch(fleet, SHORT));
});

test("the app process killed behind its front: the front exits 1 at once, nothing lost", async () => {
  test.setTimeout(120_000);
  held(await appProcessDies(fleet, SHORT));
});

test("after all of it, every allow answered since the start is on the database that is primary now", async () => {
  held(await fleet.everything());
});
