import { expect, test } from "@playwright/test";
import { CERTIFICATION_POLICIES, CERTIFICATION_SCHEMA } from "../../tests/authzen/certification-fixture";
import { stateFile } from "../helpers";

test.use({ storageState: stateFile("admin") });

// The certification fixture's schema and first policy, under a namespace of this run's own: the
// spec adds it to whatever schema is in force (other specs may have namespaces of their own, and
// removing one that holds policies is refused), and names its policy so reruns never collide.
const suffix = Date.now().toString(36);
const ns = `Certification${suffix}`;
const schemaBlock = CERTIFICATION_SCHEMA.replace("namespace Certification {", `namespace ${ns} {`);
const readPolicy = CERTIFICATION_POLICIES[0].cedar.replaceAll("Certification::", `${ns}::`);
const policyName = `cert-read-${suffix}`;

test("an admin edits the schema, sees an error at its line and column, activates with a reason, and writes a policy in the new namespace", async ({ page }) => {
  await page.goto("/policies/schema");
  await expect(page.getByRole("heading", { name: "Authorization schema", level: 1 })).toBeVisible();
  const editor = page.getByRole("textbox", { name: "Schema", exact: true });
  const before = (await editor.inputValue()).trimEnd();
  const head = `${before}\n\n`;
  const blockStart = head.split("\n").length; // the line the namespace block starts on

  // A missing `}` on the block's fourth line: the problem is reported there, not at line 1.
  await editor.fill(head + schemaBlock.replace('entity record = { "status"?: String };', 'entity record = { "status"?: String ;'));
  await page.getByRole("button", { name: "Validate" }).click();
  const problem = page.getByRole("alert").getByRole("button", { name: new RegExp(`^line ${blockStart + 3}, column \\d+: `) });
  await expect(problem).toBeVisible();
  // Clicking the problem puts the cursor on that line.
  await problem.click();
  await expect(editor).toBeFocused();

  // Fixed, the diff against the version in force shows the added block.
  await editor.fill(head + schemaBlock);
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page.getByText("Valid: every general policy still validates against it")).toBeVisible();
  await expect(page.getByLabel(/^Line diff (from v\d+ to|of) the edited text$/)).toContainText(`namespace ${ns} {`);

  // Activation needs a reason.
  await page.getByRole("button", { name: "Save and activate…" }).click();
  const dialog = page.getByRole("alertdialog");
  const confirm = dialog.getByRole("button", { name: "Save and activate", exact: true });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel("Reason").fill("e2e: the certification namespace");
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(/^v\d+ is in force\.$/)).toBeVisible();
  const current = page.getByRole("row").filter({ has: page.getByText("in force", { exact: true }) });
  await expect(current).toContainText(ns);

  // The Policies page has a tab for the namespace, kept in the URL.
  await page.goto("/policies");
  await expect(page).toHaveURL(/[?&]namespace=Warden\b/);
  const tabs = page.getByRole("navigation", { name: "Policy namespaces" });
  await expect(tabs.getByRole("link", { name: /^Warden\b/ })).toHaveAttribute("aria-current", "page");
  await tabs.getByRole("link", { name: new RegExp(`^${ns}\\b`) }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]namespace=${ns}\\b`));
  await expect(page.getByText("No policies match")).toBeVisible();

  // A policy in the namespace: agent vocabulary is refused at its position, the namespace's own validates.
  await page.getByRole("link", { name: "New policy" }).click();
  await expect(page).toHaveURL(/\/policies\/new\?/);
  await expect(page.getByLabel("Namespace", { exact: true })).toHaveValue(ns);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(policyName);
  const cedar = page.getByRole("textbox", { name: "Cedar", exact: true });
  await cedar.fill('permit (principal,\n  action == Warden::Action::"read", resource);');
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page.getByRole("alert").getByRole("button", { name: /^line 2, column \d+: / })).toBeVisible();
  await cedar.fill(readPolicy);
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page.getByText(`Valid against the ${ns} schema`)).toBeVisible();
  await page.getByRole("button", { name: "Create policy" }).click();
  await expect(page.getByRole("heading", { name: policyName, level: 1 })).toBeVisible();
  await expect(page.getByText(ns, { exact: true })).toBeVisible();

  // Listed under its namespace only.
  await page.goto(`/policies?namespace=${ns}`);
  await expect(page.getByRole("link", { name: policyName })).toBeVisible();
  await page.goto(`/policies?namespace=Warden&q=${policyName}`);
  await expect(page.getByText("No policies match")).toBeVisible();
});
