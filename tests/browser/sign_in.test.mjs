// Real-browser test of the example intercom server: Debian's headless Chromium (/usr/bin/chromium)
// driven by playwright-core (no browser download).
//
//   node sign_in.test.mjs PATH/TO/intercom_server [SCREENSHOT_DIR]
//
// 1. Seam's flow: the authorize URL for client "seam" with the loopback registration
//    http://localhost:3020/oauth/callback; a wrong password shows the error; the right one
//    lands on the callback (intercepted: nothing listens on port 3020) with a code and the
//    state; the code redeems at POST /oauth/token with seam/seamsecret (200) and the token
//    opens GET /intercoms.
// 2. The /demo flow: open /demo, click "Connect your intercoms", sign in, see "Connected".
// Throughout: no request leaves the server's origin (except the final callback navigation),
// no console error, no page error, no failed request. Screenshots of the sign-in page (desktop
// and phone viewport) go to SCREENSHOT_DIR. Prints "N passed, N failed"; exits 1 on a failure.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const serverBin = process.argv[2];
const shotDir = process.argv[3] || process.cwd();
if (!serverBin) {
  console.error("usage: sign_in.test.mjs PATH/TO/intercom_server [SCREENSHOT_DIR]");
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const EMAIL = "owner@example.com";
const PASSWORD = "correct horse battery staple";
const CALLBACK = "http://localhost:3020/oauth/callback";

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

// --- the example server, with a fast password hash ---
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beast-oauth-browser-"));
const config = JSON.parse(fs.readFileSync(path.join(here, "../../examples/intercom_server/config.json"), "utf8"));
config.password_hash_iterations = 1000;
delete config.listen;
fs.writeFileSync(path.join(tmp, "config.json"), JSON.stringify(config));
const server = spawn(serverBin, ["--config", path.join(tmp, "config.json"), "--listen", "127.0.0.1:0"], {
  stdio: ["ignore", "pipe", "pipe"],
});
let serverOutput = "";
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("server did not start:\n" + serverOutput)), 20000);
  const onData = (d) => {
    serverOutput += d;
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(serverOutput);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  server.on("exit", (code) => reject(new Error(`server exited (${code}):\n${serverOutput}`)));
});
const origin = new URL(base).origin;
console.log(`example server at ${base}`);

// --- the browser ---
const context = await chromium.launchPersistentContext(path.join(tmp, "profile"), {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1280, height: 900 },
});
const requests = [];
const consoleErrors = [];
const pageErrors = [];
const failedRequests = [];
context.on("request", (r) => requests.push(r.url()));
context.on("requestfailed", (r) => failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
context.on("console", (m) => {
  if (m.type() === "error") consoleErrors.push(m.text());
});
context.on("weberror", (e) => pageErrors.push(String(e.error())));

// Nothing listens on localhost:3020 (Seam's loopback registration): the browser's request for
// the callback is recorded; its connection is then refused, which is expected. (page.route does
// not see a navigation that follows a 303, so the request event is where the URL is read.)
const callbacks = [];
context.on("request", (r) => {
  if (r.url().startsWith(CALLBACK)) callbacks.push(r);
});

const timeout = setTimeout(() => {
  console.log("FAIL the browser test took longer than 120 s");
  process.exit(1);
}, 120000);

try {
  const page = await context.newPage();

  // 1. Seam's flow
  const state = randomBytes(12).toString("base64url");
  const authorize =
    `${base}/authorize?response_type=code&client_id=seam&redirect_uri=${encodeURIComponent(CALLBACK)}` +
    `&state=${state}`;
  const first = await page.goto(authorize);
  check("the authorize URL answers 200", first.status() === 200, String(first.status()));
  check("the sign-in page is titled 'Sign in'", (await page.title()) === "Sign in", await page.title());
  check("it names the client", (await page.locator("h1").innerText()).includes("Seam"));
  const csp = first.headers()["content-security-policy"] || "";
  check("it is served with a CSP of default-src 'none'", csp.includes("default-src 'none'"), csp);
  check("the email and password fields are labelled",
        (await page.getByLabel("Email").count()) === 1 && (await page.getByLabel("Password").count()) === 1);

  fs.mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, "browser-sign-in.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shotDir, "browser-sign-in-phone.png"), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  check("no horizontal scrolling at phone width", !overflow);
  await page.setViewportSize({ width: 1280, height: 900 });

  // wrong password
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill("not the password");
  await Promise.all([page.waitForLoadState("load"), page.click("button[value=sign_in]")]);
  await page.waitForSelector("[role=alert]");
  const alert = await page.locator("[role=alert]").innerText();
  check("a wrong password shows 'The email or password is incorrect.'",
        alert.trim() === "The email or password is incorrect.", alert);
  check("after a wrong password the browser stays on the server", new URL(page.url()).origin === origin, page.url());
  await page.screenshot({ path: path.join(shotDir, "browser-sign-in-error.png"), fullPage: true });
  check("no callback was reached yet", callbacks.length === 0);

  // right password
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  const [cbRequest] = await Promise.all([
    context.waitForEvent("request", (r) => r.url().startsWith(CALLBACK)),
    page.click("button[value=sign_in]"),
  ]);
  const landed = new URL(cbRequest.url());
  check("signing in navigates the browser to the registered callback",
        `${landed.origin}${landed.pathname}` === CALLBACK && cbRequest.isNavigationRequest(), cbRequest.url());
  const from = cbRequest.redirectedFrom();
  check("by a redirect from the server's sign-in form POST",
        from !== null && from.method() === "POST" && new URL(from.url()).origin === origin, from?.url());
  check("the callback was requested exactly once", callbacks.length === 1, String(callbacks.length));
  check("the callback carries the state unchanged", landed.searchParams.get("state") === state);
  const code = landed.searchParams.get("code");
  check("the callback carries a code", !!code);
  check("the callback carries iss (RFC 9207)", landed.searchParams.get("iss") !== null);

  const tokenRes = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: "seam",
                                client_secret: "seamsecret" }),
  });
  const tokenBody = await tokenRes.json();
  check("the code redeems at POST /oauth/token: 200", tokenRes.status === 200, JSON.stringify(tokenBody));
  check("the token response has a Bearer access token",
        tokenBody.token_type === "Bearer" && typeof tokenBody.access_token === "string");
  const api = await fetch(`${base}/intercoms`, { headers: { authorization: `Bearer ${tokenBody.access_token}` } });
  check("the access token opens GET /intercoms", api.status === 200, String(api.status));
  const replay = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: CALLBACK, client_id: "seam",
                                client_secret: "seamsecret" }),
  });
  check("the same code a second time is refused (400)", replay.status === 400, String(replay.status));

  // 2. The /demo flow, signed out.
  await context.clearCookies();
  const demo = await context.newPage();
  await demo.goto(`${base}/demo`);
  await Promise.all([demo.waitForURL(`${base}/authorize**`), demo.getByText("Connect your intercoms").click()]);
  check("/demo's button opens the sign-in page", (await demo.title()) === "Sign in", demo.url());
  await demo.getByLabel("Email").fill(EMAIL);
  await demo.getByLabel("Password").fill(PASSWORD);
  await Promise.all([demo.waitForURL(`${base}/demo/callback**`), demo.click("button[value=sign_in]")]);
  const h1 = await demo.locator("h1").innerText();
  check("the demo ends on 'Connected'", h1 === "Connected", h1);
  const body = await demo.locator("body").innerText();
  check("the demo's API call answered 200", body.includes("answered 200"), body.slice(0, 400));
  await demo.screenshot({ path: path.join(shotDir, "browser-demo-connected.png"), fullPage: true });

  // Throughout
  const foreign = requests.filter((u) => new URL(u).origin !== origin && !u.startsWith(CALLBACK));
  check("nothing was loaded from another origin", foreign.length === 0, foreign.join(", "));
  check("every request was to the server or the callback", requests.length > 0);
  check("no console errors", consoleErrors.length === 0, consoleErrors.join(" | "));
  check("no page errors", pageErrors.length === 0, pageErrors.join(" | "));
  const unexpectedFailures = failedRequests.filter((f) => !f.startsWith(CALLBACK));
  check("no failed requests (but the refused callback)", unexpectedFailures.length === 0, unexpectedFailures.join(" | "));
  console.log(`${requests.length} requests seen: ${[...new Set(requests.map((u) => new URL(u).pathname))].join(" ")}`);

  // Negative control: the listeners above do catch what they look for (a foreign image added
  // to the sign-in page is an attempted request, blocked by CSP with a console error).
  const before = consoleErrors.length;
  const probe = await context.newPage();
  await probe.goto(authorize);
  await probe.evaluate(() => {
    const img = document.createElement("img");
    img.src = "http://127.0.0.1:9/blocked.png";
    document.body.appendChild(img);
  });
  await probe.waitForTimeout(500);
  check("control: a CSP violation is seen as a console error",
        consoleErrors.slice(before).some((e) => e.includes("Content Security Policy")), consoleErrors.slice(before).join(" | "));
  check("control: the request listener sees the attempt, blocked by CSP",
        requests.some((u) => u.includes("blocked.png")) &&
          failedRequests.some((f) => f.includes("blocked.png") && /csp/i.test(f)),
        failedRequests.join(" | "));
} catch (e) {
  check("the browser flow ran to its end", false, e.stack || String(e));
} finally {
  clearTimeout(timeout);
  await context.close().catch(() => {});
  server.kill("SIGTERM");
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`screenshots in ${shotDir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
