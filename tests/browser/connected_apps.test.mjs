// Real-browser test of the owner's "Connected apps" page (issue 14): Debian's headless Chromium
// (/usr/bin/chromium) driven by playwright-core (no browser download).
//
//   node connected_apps.test.mjs PATH/TO/intercom_server [SCREENSHOT_DIR]
//
// On the example server with a SQLite store: open /demo, connect the demo client (sign in), see
// "Connected"; refresh the token as the client does (200); open Connected apps from the link,
// find the demo client with its scopes in words, its connected and last-used dates; click
// Disconnect; the page confirms and lists nothing; back on the demo client, the refresh now
// answers 400 invalid_grant. Throughout: no request leaves the server's origin, no console or
// page error. Screenshots of the page before and after go to SCREENSHOT_DIR.
// Prints "N passed, N failed"; exits 1 on a failure.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const serverBin = process.argv[2];
const shotDir = process.argv[3] || process.cwd();
if (!serverBin) {
  console.error("usage: connected_apps.test.mjs PATH/TO/intercom_server [SCREENSHOT_DIR]");
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const EMAIL = "owner@example.com";
const PASSWORD = "correct horse battery staple";

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? ": " + detail : ""}`);
  }
}

// --- the example server (shipped config, fast password hash, a SQLite file of its own) ---
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beast-oauth-apps-browser-"));
const config = JSON.parse(fs.readFileSync(path.join(here, "../../examples/intercom_server/config.json"), "utf8"));
config.password_hash_iterations = 1000;
config.store = "sqlite:" + path.join(tmp, "intercom.db");
delete config.listen;
fs.writeFileSync(path.join(tmp, "config.json"), JSON.stringify(config));
const server = spawn(serverBin, ["--config", path.join(tmp, "config.json"), "--listen", "127.0.0.1:0"], {
  stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("server did not start:\n" + output)), 20000);
  const onData = (d) => {
    output += d;
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  server.on("exit", (code) => reject(new Error(`server exited (${code}):\n${output}`)));
});
const origin = new URL(base).origin;
console.log(`example server at ${base}`);

const context = await chromium.launchPersistentContext(path.join(tmp, "profile"), {
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 900 },
});
const requests = [];
const consoleErrors = [];
const pageErrors = [];
context.on("request", (r) => requests.push(r.url()));
context.on("console", (m) => {
  if (m.type() === "error") consoleErrors.push(m.text());
});
context.on("weberror", (e) => pageErrors.push(String(e.error())));

try {
  let page = await context.newPage();
  // 1. Connect the demo client.
  await page.goto(`${base}/demo`);
  await Promise.all([page.waitForURL(`${base}/authorize**`), page.getByText("Connect your intercoms").click()]);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await Promise.all([page.waitForURL(`${base}/demo/callback**`), page.click("button[value=sign_in]")]);
  const h1 = await page.locator("h1").innerText();
  check("the demo client is connected", h1 === "Connected", h1);

  // 2. The client refreshes: accepted.
  await Promise.all([page.waitForURL(`${base}/demo/refresh`), page.getByText("Refresh the token").click()]);
  check("the client's refresh works while connected", (await page.locator("#status").innerText()) === "200",
        await page.locator("body").innerText());

  // 3. Connected apps lists it (in a second tab: the client's page stays open).
  const client = page;
  page = await context.newPage();
  await page.goto(`${base}/account/connected-apps`);
  check("Connected apps opens for the signed-in owner", (await page.title()) === "Connected apps", await page.title());
  const rows = page.locator("tr.app");
  check("one application is listed", (await rows.count()) === 1, String(await rows.count()));
  const row = await rows.first().innerText();
  check("it is the demo client, by name", row.includes("Demo client (stand-in for Seam)"), row);
  check("its scopes are shown in words", row.includes("See your intercoms and their access codes"), row);
  check("its connected and last-used dates are shown", (row.match(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/g) || []).length === 2, row);
  await page.screenshot({ path: path.join(shotDir, "browser-connected-apps.png"), fullPage: true });

  // 4. Disconnect.
  await Promise.all([page.waitForURL(`${base}/account/connected-apps?done=disconnected`),
                     page.getByRole("button", { name: /Disconnect/ }).click()]);
  const notice = await page.locator("#notice").innerText();
  check("the page confirms the disconnection", notice.includes("disconnected"), notice);
  check("nothing is listed any more", (await page.locator("tr.app").count()) === 0 &&
        (await page.locator("#no-apps").count()) === 1);
  await page.screenshot({ path: path.join(shotDir, "browser-connected-apps-after.png"), fullPage: true });

  // 5. The client's next refresh fails.
  await Promise.all([client.waitForLoadState("load"), client.getByText("Refresh the token").click()]);
  const status = await client.locator("#status").innerText();
  const response = await client.locator("#response").innerText();
  check("the client's refresh after Disconnect answers 400", status === "400", status);
  check("... with invalid_grant", JSON.parse(response).error === "invalid_grant", response);
  await client.screenshot({ path: path.join(shotDir, "browser-refresh-refused.png"), fullPage: true });

  check("the audit log records the owner's revocation",
        /"audit":"grant_revoked"[^\n]*"actor":"owner"/.test(output), output.slice(-1500));
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith("about:") && !u.startsWith("data:"));
  check("no request left the server's origin", foreign.length === 0, foreign.join(" "));
  check("no console error", consoleErrors.length === 0, consoleErrors.join(" | "));
  check("no page error", pageErrors.length === 0, pageErrors.join(" | "));
} catch (e) {
  failed++;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  await context.close();
  server.kill("SIGTERM");
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
