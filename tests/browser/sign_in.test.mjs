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
// 3. A branded server (product name, colours, inline SVG logo, German by Accept-Language, scope
//    descriptions, a text account field): the German page, the logo shown under the CSP.
// Accessibility, on the sign-in page at 360x740 and 1280x900, with an error, and branded: every
// form control has an accessible label (label[for] or aria-label), Tab visits the controls in
// their visual order, and text and buttons have a contrast of at least 4.5:1 (WCAG relative
// luminance computed from getComputedStyle colours).
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
const servers = [];
async function startServer(cfg, name) {
  fs.writeFileSync(path.join(tmp, name), JSON.stringify(cfg));
  const proc = spawn(serverBin, ["--config", path.join(tmp, name), "--listen", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  servers.push(proc);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start:\n" + output)), 20000);
    const onData = (d) => {
      output += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
}
const base = await startServer(config, "config.json");
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

// --- accessibility: labels, focus order, contrast (WCAG 2.1 1.3.1, 2.4.3, 1.4.3) ---
// Runs in the page: every visible form control's accessible name from <label for> or aria-label;
// the controls' visual order (top to bottom, then left to right); the contrast of every element
// with its own text (text and buttons) against the background it is drawn on.
function pageAudit() {
  const parse = (c) => {
    const m = /rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/.exec(c);
    if (!m) return null;
    return { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] };
  };
  const background = (el) => {
    // The first opaque background up the tree, blending translucent layers on the way.
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let out = { r: 255, g: 255, b: 255 };
    for (const c of layers.reverse())
      out = { r: c.r * c.a + out.r * (1 - c.a), g: c.g * c.a + out.g * (1 - c.a), b: c.b * c.a + out.b * (1 - c.a) };
    return out;
  };
  // WCAG 2.1 relative luminance: sRGB channels linearised, weighted 0.2126 / 0.7152 / 0.0722.
  const channel = (v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden";
  };
  const controls = [...document.querySelectorAll("input, button, select, textarea")].filter(
    (e) => e.type !== "hidden" && visible(e));
  const unlabelled = controls
    .filter((e) => {
      if (e.getAttribute("aria-label")?.trim()) return false;
      if (e.tagName === "BUTTON") return !e.innerText.trim();
      return !(e.id && document.querySelector(`label[for="${CSS.escape(e.id)}"]`)?.innerText.trim());
    })
    .map((e) => e.outerHTML.slice(0, 80));
  const key = (e) => e.id || `${e.tagName.toLowerCase()}[value=${e.value}]`;
  const visual = [...controls]
    .sort((a, b) => {
      const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
      return Math.abs(ra.top - rb.top) > 4 ? ra.top - rb.top : ra.left - rb.left;
    })
    .map(key);
  const contrast = [];
  for (const e of document.querySelectorAll("h1, p, li, label, button, strong, input")) {
    if (!visible(e)) continue;
    const fg = parse(getComputedStyle(e).color);
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) || e.tagName === "INPUT";
    if (!fg || !own) continue;
    contrast.push({ what: `${e.tagName.toLowerCase()} "${(e.innerText || e.value || e.type).slice(0, 30)}"`,
                    ratio: ratio(fg, background(e)) });
  }
  return { controls: controls.length, unlabelled, visual, contrast };
}

async function auditPage(page, label) {
  const audit = await page.evaluate(pageAudit);
  check(`${label}: every form control has an accessible label`, audit.controls > 0 && audit.unlabelled.length === 0,
        audit.unlabelled.join(" | "));
  // Tab from the top of the page: focus must visit the controls in their visual order.
  // Start sequential focus navigation at the top of the document.
  await page.evaluate(() => {
    const b = document.body;
    b.setAttribute("tabindex", "-1");
    b.focus();
    b.removeAttribute("tabindex");
  });
  const tabbed = [];
  for (let i = 0; i < audit.visual.length; i++) {
    await page.keyboard.press("Tab");
    tabbed.push(await page.evaluate(() => {
      const e = document.activeElement;
      return e.id || `${e.tagName.toLowerCase()}[value=${e.value}]`;
    }));
  }
  check(`${label}: Tab visits the controls in visual order`, JSON.stringify(tabbed) === JSON.stringify(audit.visual),
        `tab ${tabbed.join(",")} visual ${audit.visual.join(",")}`);
  const low = audit.contrast.filter((c) => c.ratio < 4.5);
  check(`${label}: text and buttons have a contrast of at least 4.5:1 (${audit.contrast.length} checked)`,
        audit.contrast.length > 3 && low.length === 0,
        low.map((c) => `${c.what} ${c.ratio.toFixed(2)}`).join(" | "));
}

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
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(shotDir, "browser-sign-in-360.png"), fullPage: true });
  check("no horizontal scrolling at 360 px",
        !(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)));
  await auditPage(page, "sign-in page at 360x740");
  await page.setViewportSize({ width: 1280, height: 900 });
  await auditPage(page, "sign-in page at 1280x900");

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
  await auditPage(page, "sign-in page with an error");
  // Control: the audit does see a low contrast and an unlabelled control.
  const control = await page.evaluate((audit) => {
    document.querySelector("h1").style.color = "#bbbbbb";
    document.querySelector("label[for=password]").htmlFor = "nothing";
    return new Function(`return (${audit})()`)();
  }, pageAudit.toString());
  check("control: the audit reports a low-contrast heading and an unlabelled field",
        control.contrast.some((c) => c.what.startsWith("h1") && c.ratio < 4.5) && control.unlabelled.length === 1,
        JSON.stringify(control.unlabelled));
  await page.evaluate(() => {
    document.querySelector("h1").style.color = "";
    document.querySelector("label[for=nothing]").htmlFor = "password";
  });
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

  // 3. A vendor's branding: product name, colours, a logo, German chosen by Accept-Language,
  //    scope descriptions. Its own server (own origin), its own error counters.
  const branded = structuredClone(config);
  branded.sign_in_page = {
    product_name: "Acme Türsprechanlagen",
    logo: '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"><rect width="120" height="32" rx="6" fill="#7c2d12"/></svg>',
    colors: { accent: "#7c2d12", on_accent: "#ffffff", background: "#fdf6ec", surface: "#fffdf8", text: "#1c1917" },
    field: { input_type: "text", autocomplete: "username", inputmode: "text" },
    default_language: "en",
    languages: {
      de: {
        username_label: "Benutzername",
        scope_descriptions: { "intercoms.read": "Ihre Sprechanlagen sehen", "intercoms.write": "Türen öffnen" },
      },
    },
  };
  const brandedBase = await startServer(branded, "branded.json");
  const errorsBefore = consoleErrors.length + pageErrors.length;
  const failedBefore = failedRequests.length;
  await context.clearCookies(); // signed out (cookies are per host, not per port)
  const de = await context.newPage();
  await de.setExtraHTTPHeaders({ "Accept-Language": "fr-CH, de;q=0.8, en;q=0.5" });
  const deAuthorize =
    `${brandedBase}/authorize?response_type=code&client_id=seam&redirect_uri=${encodeURIComponent(CALLBACK)}` +
    "&state=de&scope=intercoms.read%20intercoms.write";
  const deRes = await de.goto(deAuthorize);
  check("branded: the authorize URL answers 200", deRes.status() === 200, String(deRes.status()));
  check("branded: <html lang> is the language Accept-Language chose (de)",
        (await de.evaluate(() => document.documentElement.lang)) === "de");
  const deH1 = await de.locator("h1").innerText();
  check("branded: the heading names the client and the product, in German",
        deH1 === "Anmelden, um Seam mit Acme Türsprechanlagen zu verbinden", deH1);
  const items = await de.locator("li").allInnerTexts();
  check("branded: scopes show as the vendor's descriptions",
        JSON.stringify(items) === JSON.stringify(["Ihre Sprechanlagen sehen", "Türen öffnen"]), items.join(" | "));
  check("branded: the account field is a labelled text field",
        (await de.getByLabel("Benutzername").getAttribute("type")) === "text");
  check("branded: the deny button is there", (await de.getByRole("button", { name: "Ablehnen" }).count()) === 1);
  const logoShown = await de.evaluate(() => {
    const img = document.querySelector("img.logo");
    return !!img && img.complete && img.naturalWidth === 120;
  });
  check("branded: the inline SVG logo is displayed (allowed by the CSP)", logoShown);
  const accent = await de.evaluate(() => getComputedStyle(document.querySelector(".primary")).backgroundColor);
  check("branded: the accent colour is applied (the style's CSP hash matches)", accent === "rgb(124, 45, 18)", accent);
  await de.setViewportSize({ width: 360, height: 740 });
  await de.screenshot({ path: path.join(shotDir, "browser-sign-in-branded-de-360.png"), fullPage: true });
  await auditPage(de, "branded German page at 360x740");
  await de.setViewportSize({ width: 1280, height: 900 });
  await de.screenshot({ path: path.join(shotDir, "browser-sign-in-branded-de.png"), fullPage: true });
  await de.getByLabel("Benutzername").fill(EMAIL);
  await de.getByLabel("Passwort").fill("not the password");
  await Promise.all([de.waitForLoadState("load"), de.click("button[value=sign_in]")]);
  await de.waitForSelector("[role=alert]");
  const deAlert = (await de.locator("[role=alert]").innerText()).trim();
  check("branded: a wrong password shows the German message", deAlert === "E-Mail-Adresse oder Passwort ist falsch.", deAlert);
  await auditPage(de, "branded German page with an error");
  const brandedErrors = [...consoleErrors, ...pageErrors].slice(errorsBefore);
  check("branded: no console or page errors (nothing blocked by the CSP)", brandedErrors.length === 0,
        brandedErrors.join(" | "));
  check("branded: no failed requests", failedRequests.length === failedBefore,
        failedRequests.slice(failedBefore).join(" | "));
} catch (e) {
  check("the browser flow ran to its end", false, e.stack || String(e));
} finally {
  clearTimeout(timeout);
  await context.close().catch(() => {});
  for (const proc of servers) proc.kill("SIGTERM");
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`screenshots in ${shotDir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
