// Interop test: oauth4webapi (panva's spec-strict OAuth 2.0 client, pinned in package.json)
// drives the example intercom server the way a third-party client would.
//
//   node oauth4webapi.test.mjs PATH/TO/intercom_server
//
// The flow: RFC 8414 discovery -> authorization request with PKCE (RFC 7636), plain or pushed
// (PAR, RFC 9126) -> the example's sign-in form, filled in with fetch (cookie + hidden fields,
// as the browser tests do) -> the redirect to the client, checked by oauth4webapi (state,
// RFC 9207 iss) -> code exchange -> refresh -> GET /intercoms with the access token. Nothing
// listens on the redirect URI: the Location header is read instead of followed.
// PAR refusals: a replayed request_uri, another client's, an expired one, parameters beside a
// request_uri (ignored), PAR required (per client, server-wide) but a plain request sent, and a
// request_uri sent to a server without PAR.
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
// The authorization request: its URL (plain: the parameters in the query; pushed: client_id and
// the request_uri the PAR endpoint answered) and what the client must remember.
async function authorizationRequest(as, label, client, clientAuth, { par = false, query = {} } = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const params = {
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: CALLBACK,
    scope: "intercoms.read",
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  };
  const url = new URL(as.authorization_endpoint);
  if (par) {
    // ==== DPoP: RFC 9449 10 binds the code to the key when the PAR request carries a DPoP
    // proof: pass { DPoP, ...httpOptions } here as well.
    const response = await oauth.pushedAuthorizationRequest(as, client, clientAuth, params, httpOptions);
    check(`${label}: the PAR endpoint answers 201`, response.status === 201, `status ${response.status}`);
    let pushed;
    const error = await thrown(async () => {
      pushed = await oauth.processPushedAuthorizationResponse(as, client, response);
    });
    check(`${label}: oauth4webapi accepts the PAR response`, !error, String(error));
    check(`${label}: the request_uri is a single-use URN with a short lifetime`,
          pushed?.request_uri?.startsWith("urn:ietf:params:oauth:request_uri:") && pushed.expires_in > 0 &&
          pushed.expires_in <= 600, JSON.stringify(pushed));
    url.searchParams.set("client_id", client.client_id);
    url.searchParams.set("request_uri", pushed?.request_uri ?? "");
  } else {
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  }
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return { url, verifier, state };
}

async function fullFlow(as, port, label, client, clientAuth, options = {}) {
  const { url: authorizationUrl, verifier, state } = await authorizationRequest(as, label, client, clientAuth, options);

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

// A refused authorization request: an error page (400), never a redirect to the client.
async function refused(label, url, needle) {
  const res = await fetch(loopback(url), { redirect: "manual" });
  const html = await res.text();
  check(`${label}: 400 error page, no redirect`, res.status === 400 && !res.headers.get("location"),
        `${res.status} ${res.headers.get("location") ?? ""}`);
  if (needle) check(`${label}: the page says why`, html.includes(needle), html.slice(0, 300));
}
function withRequestUri(as, clientId, requestUri) {
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("request_uri", requestUri);
  return url;
}
const seam = { client_id: "seam" };
const seamAuth = oauth.ClientSecretBasic("seamsecret");
const nativeApp = { client_id: "native-app" };

try {
  // 1. The shipped profile (seam): no PAR. A confidential client (client_secret_basic) and a
  //    public one run the plain flow; a request_uri is refused.
  {
    const port = await startServer(configWith());
    const as = await discover(port);
    check("discovery: issuer matches", as.issuer === `http://localhost:${port}`, as.issuer);
    check("discovery: S256 advertised", as.code_challenge_methods_supported?.includes("S256"));
    check("seam profile: no PAR endpoint advertised", as.pushed_authorization_request_endpoint === undefined);
    await fullFlow(as, port, "confidential client", seam, seamAuth);
    await fullFlow(as, port, "public client", nativeApp, oauth.None());
    await refused("seam profile: request_uri without PAR",
                  withRequestUri(as, "seam", "urn:ietf:params:oauth:request_uri:x"), "request_uri is not supported");
  }

  // 2. The strict profile: PAR on; a client ("pushy") that must push.
  {
    const cfg = configWith({ profile: "strict" });
    cfg.clients.push({ client_id: "pushy", client_secret: "pushy-secret-0123456789", redirect_uris: [CALLBACK],
                       default_scope: "intercoms.read", require_pushed_authorization_requests: true });
    const port = await startServer(cfg);
    const as = await discover(port);
    check("strict profile: PAR endpoint advertised",
          as.pushed_authorization_request_endpoint === `http://localhost:${port}/oauth/par`,
          as.pushed_authorization_request_endpoint);
    check("strict profile: PAR not required server-wide", as.require_pushed_authorization_requests === undefined);
    await fullFlow(as, port, "PAR confidential client", seam, seamAuth, { par: true });
    await fullFlow(as, port, "PAR public client", nativeApp, oauth.None(), { par: true });
    await fullFlow(as, port, "plain request beside PAR", seam, seamAuth);

    // Parameters beside request_uri are ignored: the pushed state and redirect_uri win.
    await fullFlow(as, port, "PAR with extra query parameters", seam, seamAuth, {
      par: true,
      query: { state: "attacker-state", redirect_uri: "https://connect.getseam.com/oauth/callback",
               scope: "intercoms.write", response_type: "token" },
    });

    // Replay: a second code from the same request_uri is refused.
    {
      const { url } = await authorizationRequest(as, "replay", seam, seamAuth, { par: true });
      const first = await signIn(url);
      check("replay: the first use gives a code", first.post?.status === 303, `status ${first.post?.status}`);
      const second = await signIn(url);
      check("replay: the second use is refused (400, no redirect)",
            second.post?.status === 400 && !second.post.headers.get("location"), `status ${second.post?.status}`);
    }
    // Another client's request_uri.
    {
      const { url } = await authorizationRequest(as, "foreign", seam, seamAuth, { par: true });
      await refused("another client's request_uri", withRequestUri(as, "native-app", url.searchParams.get("request_uri")));
    }
    // An altered request_uri.
    {
      const { url } = await authorizationRequest(as, "altered", seam, seamAuth, { par: true });
      const ru = url.searchParams.get("request_uri");
      const i = ru.length - 10;
      await refused("an altered request_uri", withRequestUri(as, "seam", ru.slice(0, i) + (ru[i] === "A" ? "B" : "A") + ru.slice(i + 1)));
    }
    // A client that must push: its plain request is refused, its pushed one works.
    const pushyAuth = oauth.ClientSecretPost("pushy-secret-0123456789");
    {
      const url = new URL(as.authorization_endpoint);
      for (const [k, v] of Object.entries({ response_type: "code", client_id: "pushy", redirect_uri: CALLBACK }))
        url.searchParams.set(k, v);
      await refused("PAR required for the client: plain request", url, "pushed");
    }
    await fullFlow(as, port, "PAR required for the client: pushed request", { client_id: "pushy" }, pushyAuth,
                   { par: true });
  }

  // 3. PAR required server-wide, request_uri lifetime 1 s: plain requests refused, an expired
  //    request_uri refused.
  {
    const port = await startServer(configWith({ pushed_authorization_requests: true, par_ttl: 1,
                                                require_pushed_authorization_requests: true }));
    const as = await discover(port);
    check("server-wide PAR: metadata says required", as.require_pushed_authorization_requests === true);
    const plain = await authorizationRequest(as, "server-wide PAR", seam, seamAuth);
    await refused("server-wide PAR: plain request", plain.url, "pushed");
    const { url } = await authorizationRequest(as, "expiry", seam, seamAuth, { par: true });
    await new Promise((r) => setTimeout(r, 2100)); // past the 1 s lifetime (whole seconds)
    await refused("expired request_uri", url, "expired");
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
