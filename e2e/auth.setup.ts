import { test as setup } from "@playwright/test";
import { ROLES, signInAs, stateFile } from "./helpers";

// Signs each demo role in once through the real form and keeps its cookies for the suites.
for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await signInAs(page, role);
    await page.context().storageState({ path: stateFile(role) });
  });
}
