// Interop test: oauth4webapi (panva's spec-strict OAuth 2.0 client, pinned in package.json)
// drives the example intercom server the way a third-party client would.
//
//   node oauth4webapi.test.mjs PATH/TO/intercom_server
//
// The flow: RFC 8414 discovery -> authorization request with PKCE (RFC 7636) -> the example's
// sign-in form, filled in with fetch (cookie + hidden fields, as the browser tests do) -> the
// redirect to the client, checked by oauth4webapi (state, RFC 9207 iss) -> code exchange ->
// refresh -> GET /intercoms with the access token. Nothing listens on the redirect URI: the
// Location header is read instead of followed.
// Prints "N passed, N failed"; exits 1 on a failure.
//
// ==== DPoP: (RFC 9449) the flow below has marked plug-in points ("// ==== DPoP:") where a
// DPoP handle goes: oauth4webapi.DPoP(client, keyPair) passed as { DPoP } to the token, refresh
// and resource requests. That needs the token endpoint to answer token_type "DPoP".
import * as oauth from "oauth4webapi";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const serverBin = process.argv[2];
if (!serverBin) {
  console.error("usage: oauth4webapi.test.mjs PATH/TO/intercom_server");
  process.exit(2);
}
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
// Runs fn and returns the error it throws (undefined when it does not throw).
async function thrown(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

// --- the example server (fast password hash, memory store, a public client beside Seam) ---
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beast-oauth-interop-"));
const shipped = JSON.parse(fs.readFileSync(path.join(here, "../../examples/intercom_server/config.json"), "utf8"));
function configWith(changes = {}) {
  const cfg = structuredClone(shipped);
  cfg.password_hash_iterations = 1000;
  cfg.store = "memory";
  delete cfg.listen;
  cfg.clients.push({
    client_id: "native-app",
    name: "Native App",
    default_scope: "intercoms.read",
    redirect_uris: [CALLBACK],
  });
  return Object.assign(cfg, changes);
}
const servers = [];
let serverCount = 0;
async function startServer(cfg) {
  const file = path.join(tmp, `config${serverCount++}.json`);
  fs.writeFileSync(file, JSON.stringify(cfg));
  const proc = spawn(serverBin, ["--config", file, "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
  servers.push(proc);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start:\n" + output)), 20000);
    const onData = (d) => {
      output += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
}

// The server names itself http://localhost:PORT (its issuer) but listens on 127.0.0.1 only; the
// client's fetch goes to 127.0.0.1 so that "localhost" resolving to ::1 first cannot matter.
function loopback(url) {
  const u = new URL(url);
  if (u.hostname === "localhost") u.hostname = "127.0.0.1";
  return u;
}
const clientFetch = (url, init) => fetch(loopback(url), init);
const httpOptions = { [oauth.allowInsecureRequests]: true, [oauth.customFetch]: clientFetch };

async function discover(port) {
  const issuer = new URL(`http://localhost:${port}`);
  const response = await oauth.discoveryRequest(issuer, { ...httpOptions, algorithm: "oauth2" });
  return oauth.processDiscoveryResponse(issuer, response);
}

// --- the sign-in form, filled in like a browser: GET the page (its CSRF cookie and hidden
// fields), POST the form; returns the response to the POST (303 to the client on success) ---
function hiddenFields(html) {
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    fields.append(unescape(m[1]), unescape(m[2]));
  }
  return fields;
}
async function signIn(authorizationUrl) {
  const page = await fetch(loopback(authorizationUrl), { redirect: "manual" });
  const html = await page.text();
  if (page.status !== 200) return { page, html };
  const cookie = (page.headers.get("set-cookie") || "").split(";")[0];
  const form = hiddenFields(html);
  form.set("username", EMAIL);
  form.set("password", PASSWORD);
  form.set("action", "sign_in");
  const action = new URL("/authorize", authorizationUrl);
  const post = await fetch(loopback(action), {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
  return { page, html, post };
}

// --- one whole flow for one client: authorization request, sign-in, code, token, refresh,
// resource call; every step checked. Returns the tokens. ---
async function fullFlow(as, port, label, client, clientAuth) {
  const verifier = oauth.generateRandomCodeVerifier();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  const state = oauth.generateRandomState();
  const authorizationUrl = new URL(as.authorization_endpoint);
  for (const [k, v] of Object.entries({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: CALLBACK,
    scope: "intercoms.read",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }))
    authorizationUrl.searchParams.set(k, v);

  const { page, post } = await signIn(authorizationUrl);
  check(`${label}: the sign-in page is shown`, page.status === 200, `status ${page.status}`);
  check(`${label}: signing in redirects to the client`, post?.status === 303, `status ${post?.status}`);
  const location = post?.headers.get("location") || "";
  check(`${label}: the redirect goes to the registered callback`, location.startsWith(CALLBACK + "?"), location);

  // oauth4webapi checks state and the RFC 9207 iss parameter (the server advertises it).
  let params;
  const authError = await thrown(() => {
    params = oauth.validateAuthResponse(as, client, new URL(location), state);
  });
  check(`${label}: oauth4webapi accepts the authorization response (state, iss)`, !authError, String(authError));
  if (!params) return {};

  // ==== DPoP: create the key pair and handle here (const DPoP = oauth.DPoP(client, keyPair)) and
  // pass { DPoP } in the options of the code exchange, the refresh and the resource request.
  const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, CALLBACK, verifier,
                                                                  httpOptions);
  let tokens;
  const tokenError = await thrown(async () => {
    tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse);
  });
  check(`${label}: the code redeems for tokens`, !tokenError && !!tokens?.access_token, String(tokenError));
  if (!tokens) return {};
  // ==== DPoP: expect tokens.token_type === "dpop" once the token endpoint binds tokens.
  check(`${label}: token_type is bearer`, tokens.token_type === "bearer", tokens.token_type);
  check(`${label}: a refresh token is issued`, typeof tokens.refresh_token === "string");
  check(`${label}: the granted scope is the one asked for`, (tokens.scope ?? "intercoms.read") === "intercoms.read",
        tokens.scope);

  const refreshResponse = await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token, httpOptions);
  let refreshed;
  const refreshError = await thrown(async () => {
    refreshed = await oauth.processRefreshTokenResponse(as, client, refreshResponse);
  });
  check(`${label}: the refresh token yields a new access token`,
        !refreshError && !!refreshed?.access_token && refreshed.access_token !== tokens.access_token, String(refreshError));
  if (!refreshed) return { tokens };

  // ==== DPoP: the resource request carries the DPoP proof ({ DPoP } in the options); the
  // example's resource server must then accept "Authorization: DPoP <token>" with the proof.
  const api = await oauth.protectedResourceRequest(refreshed.access_token, "GET",
                                                   loopback(`http://localhost:${port}/intercoms`), undefined,
                                                   undefined, httpOptions);
  const body = api.status === 200 ? await api.json() : await api.text();
  check(`${label}: GET /intercoms with the refreshed access token`, api.status === 200 &&
        Array.isArray(body.intercoms) && body.intercoms.length > 0, `${api.status} ${JSON.stringify(body)}`);
  return { tokens, refreshed };
}

try {
  // 1. The shipped profile (seam): a confidential client (client_secret_basic) and a public one.
  {
    const port = await startServer(configWith());
    const as = await discover(port);
    check("discovery: issuer matches", as.issuer === `http://localhost:${port}`, as.issuer);
    check("discovery: S256 advertised", as.code_challenge_methods_supported?.includes("S256"));
    await fullFlow(as, port, "confidential client", { client_id: "seam" }, oauth.ClientSecretBasic("seamsecret"));
    await fullFlow(as, port, "public client", { client_id: "native-app" }, oauth.None());
  }
} catch (e) {
  failed++;
  console.log(`FAIL unexpected error: ${e?.stack || e}`);
} finally {
  for (const proc of servers) proc.kill("SIGTERM");
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
