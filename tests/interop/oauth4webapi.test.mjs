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
// DPoP (RFC 9449): the same flow with oauth4webapi's DPoP handle (oauth.DPoP(client, keyPair) as
// { DPoP } on PAR, code exchange, refresh and resource request): DPoP-bound tokens, a refresh with
// the same key, "Authorization: DPoP" at GET /intercoms; with dpop_require_nonce, oauth4webapi's
// nonce retry (isDPoPNonceError, one retry). Refusals, with proofs signed by hand (WebCrypto
// ES256): a replayed proof (token endpoint and resource), a wrong htu, another key at the
// resource, no nonce when one is required, a bound token sent as Bearer, a bound refresh token
// without its key.
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

// --- DPoP (RFC 9449) helpers: a P-256 key pair, a proof signed by hand (RFC 9449 4.2: compact
// JWS, typ dpop+jwt, the public JWK in the header; WebCrypto's ECDSA signature is already the
// JWS R||S form), and oauth4webapi's one nonce retry (RFC 9449 8, 9). ---
const b64u = (data) => Buffer.from(data).toString("base64url");
const sha256 = async (text) => b64u(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
const newKeyPair = () => crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
async function handProof(keyPair, htm, htu, { accessToken, nonce, jti = b64u(crypto.getRandomValues(new Uint8Array(16))) } = {}) {
  const { kty, crv, x, y } = await crypto.subtle.exportKey("jwk", keyPair.publicKey);
  const header = { typ: "dpop+jwt", alg: "ES256", jwk: { kty, crv, x, y } };
  const claims = { jti, htm, htu, iat: Math.floor(Date.now() / 1000) };
  if (accessToken) claims.ath = await sha256(accessToken);
  if (nonce) claims.nonce = nonce;
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keyPair.privateKey,
                                            new TextEncoder().encode(input));
  return `${input}.${b64u(signature)}`;
}
let nonceRetries = 0;
// Runs request() and process(response); on use_dpop_nonce (400 body or 401 challenge) oauth4webapi
// has cached the DPoP-Nonce: run both once more, as its documentation says.
async function withNonceRetry(request, process = async (r) => r) {
  try {
    return await process(await request());
  } catch (e) {
    if (!oauth.isDPoPNonceError(e)) throw e;
    nonceRetries++;
    return await process(await request());
  }
}
// A hand-made token request: form body, optional DPoP header, optional Basic credentials.
function tokenPost(as, form, dpop, headers = {}) {
  if (dpop) headers.dpop = dpop;
  headers["content-type"] = "application/x-www-form-urlencoded";
  return clientFetch(as.token_endpoint, { method: "POST", headers, body: new URLSearchParams(form) });
}
function resourceGet(port, authorization, dpop) {
  const headers = { authorization };
  if (dpop) headers.dpop = dpop;
  return clientFetch(`http://localhost:${port}/intercoms`, { headers });
}
async function errorOf(response) {
  const text = await response.text();
  try {
    return JSON.parse(text).error;
  } catch {
    return text;
  }
}

// --- one whole flow for one client: authorization request, sign-in, code, token, refresh,
// resource call; every step checked. Returns the tokens. ---
// The authorization request: its URL (plain: the parameters in the query; pushed: client_id and
// the request_uri the PAR endpoint answered) and what the client must remember.
async function authorizationRequest(as, label, client, clientAuth, { par = false, query = {}, DPoP } = {}) {
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
    // With DPoP the PAR request carries a proof too (RFC 9449 10.1).
    const response = await oauth.pushedAuthorizationRequest(as, client, clientAuth, params, { ...httpOptions, DPoP });
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
  // With options.dpop: one key pair and handle for every request of the flow (RFC 9449).
  const keyPair = options.dpop ? await newKeyPair() : undefined;
  const DPoP = keyPair ? oauth.DPoP(client, keyPair) : undefined;
  const requestOptions = { ...httpOptions, DPoP };
  const { url: authorizationUrl, verifier, state } = await authorizationRequest(as, label, client, clientAuth,
                                                                                { ...options, DPoP });

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

  let tokens;
  const tokenError = await thrown(async () => {
    tokens = await withNonceRetry(
      () => oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, CALLBACK, verifier, requestOptions),
      (r) => oauth.processAuthorizationCodeResponse(as, client, r));
  });
  check(`${label}: the code redeems for tokens`, !tokenError && !!tokens?.access_token, String(tokenError));
  if (!tokens) return {};
  const tokenType = DPoP ? "dpop" : "bearer"; // oauth4webapi lower-cases token_type
  check(`${label}: token_type is ${tokenType}`, tokens.token_type === tokenType, tokens.token_type);
  check(`${label}: a refresh token is issued`, typeof tokens.refresh_token === "string");
  check(`${label}: the granted scope is the one asked for`, (tokens.scope ?? "intercoms.read") === "intercoms.read",
        tokens.scope);

  let refreshed;
  const refreshError = await thrown(async () => {
    refreshed = await withNonceRetry(
      () => oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token, requestOptions),
      (r) => oauth.processRefreshTokenResponse(as, client, r));
  });
  check(`${label}: the refresh token yields a new access token`,
        !refreshError && !!refreshed?.access_token && refreshed.access_token !== tokens.access_token, String(refreshError));
  if (!refreshed) return { tokens };
  if (DPoP) check(`${label}: the refreshed token is DPoP-bound too`, refreshed.token_type === "dpop", refreshed.token_type);

  // With DPoP: "Authorization: DPoP <token>" and a proof with ath (RFC 9449 7). The URL is the
  // server's own name (the proof's htu); customFetch sends it to 127.0.0.1.
  let api;
  const apiError = await thrown(async () => {
    api = await withNonceRetry(() => oauth.protectedResourceRequest(
      refreshed.access_token, "GET", new URL(`http://localhost:${port}/intercoms`), undefined, undefined, requestOptions));
  });
  const body = api?.status === 200 ? await api.json() : await api?.text();
  check(`${label}: GET /intercoms with the refreshed access token`, !apiError && api.status === 200 &&
        Array.isArray(body.intercoms) && body.intercoms.length > 0, `${apiError} ${api?.status} ${JSON.stringify(body)}`);
  return { tokens, refreshed, keyPair, DPoP };
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

  // 4. DPoP (RFC 9449), on in the strict profile: oauth4webapi's DPoP handle through PAR, code,
  //    refresh and resource, for a public and a confidential client; then the refusals.
  {
    const port = await startServer(configWith({ profile: "strict" }));
    const as = await discover(port);
    check("DPoP: ES256 advertised", as.dpop_signing_alg_values_supported?.includes("ES256"),
          JSON.stringify(as.dpop_signing_alg_values_supported));
    nonceRetries = 0;
    const { refreshed, keyPair, DPoP } = await fullFlow(as, port, "DPoP public client", nativeApp, oauth.None(),
                                                        { par: true, dpop: true });
    await fullFlow(as, port, "DPoP confidential client", seam, seamAuth, { par: true, dpop: true });
    check("DPoP: no nonce asked for when not required", nonceRetries === 0, `${nonceRetries} retries`);
    if (!refreshed) throw new Error("the DPoP flow gave no tokens");
    const at = refreshed.access_token;
    const api = `http://localhost:${port}/intercoms`;
    const challenge = (r) => r.headers.get("www-authenticate") || "";

    // RFC 9449 7.2: a bound token sent as Bearer is refused; the challenge names DPoP.
    {
      const r = await resourceGet(port, `Bearer ${at}`);
      check("DPoP: a bound token sent as Bearer -> 401 invalid_token with a DPoP challenge",
            r.status === 401 && challenge(r).startsWith("DPoP") && challenge(r).includes('error="invalid_token"'),
            `${r.status} ${challenge(r)}`);
    }
    // RFC 9449 7.1: the proof's key must be the token's (cnf.jkt): another key's valid proof is refused.
    {
      const r = await resourceGet(port, `DPoP ${at}`, await handProof(await newKeyPair(), "GET", api, { accessToken: at }));
      check("DPoP: a proof by another key at the resource -> 401 invalid_token with a DPoP challenge",
            r.status === 401 && challenge(r).startsWith("DPoP") && challenge(r).includes('error="invalid_token"'),
            `${r.status} ${challenge(r)}`);
    }
    // RFC 9449 4.3 (htu): a proof made for another URL.
    {
      const r = await resourceGet(port, `DPoP ${at}`,
                                  await handProof(keyPair, "GET", `http://localhost:${port}/other`, { accessToken: at }));
      check("DPoP: a proof for another htu at the resource -> 401 invalid_dpop_proof",
            r.status === 401 && challenge(r).startsWith("DPoP") && challenge(r).includes('error="invalid_dpop_proof"'),
            `${r.status} ${challenge(r)}`);
    }
    // RFC 9449 11.1: a replayed proof (same jti) at the resource.
    {
      const proof = await handProof(keyPair, "GET", api, { accessToken: at });
      const first = await resourceGet(port, `DPoP ${at}`, proof);
      check("DPoP: a hand-made proof is accepted at the resource", first.status === 200, String(first.status));
      const second = await resourceGet(port, `DPoP ${at}`, proof);
      check("DPoP: the same proof again at the resource -> 401 invalid_dpop_proof",
            second.status === 401 && challenge(second).startsWith("DPoP") &&
            challenge(second).includes('error="invalid_dpop_proof"'), `${second.status} ${challenge(second)}`);
    }
    // The public client's refresh token is bound (RFC 9449 5): no proof, or another key's, is refused.
    const refreshForm = (rt) => ({ grant_type: "refresh_token", refresh_token: rt, client_id: "native-app" });
    {
      const r = await tokenPost(as, refreshForm(refreshed.refresh_token));
      check("DPoP: a bound refresh token without a proof -> 400 invalid_grant",
            r.status === 400 && (await errorOf(r)) === "invalid_grant", String(r.status));
      const r2 = await tokenPost(as, refreshForm(refreshed.refresh_token),
                                 await handProof(await newKeyPair(), "POST", as.token_endpoint));
      check("DPoP: a bound refresh token with another key's proof -> 400 invalid_grant",
            r2.status === 400 && (await errorOf(r2)) === "invalid_grant", String(r2.status));
    }
    // A proof for another URL at the token endpoint (RFC 9449 4.3).
    {
      const r = await tokenPost(as, refreshForm(refreshed.refresh_token),
                                await handProof(keyPair, "POST", `http://localhost:${port}/oauth/other`));
      check("DPoP: a proof for another htu at the token endpoint -> 400 invalid_dpop_proof",
            r.status === 400 && (await errorOf(r)) === "invalid_dpop_proof", String(r.status));
    }
    // A replayed proof at the token endpoint: refused before the grant runs, so the refresh token
    // the first request rotated to still works.
    {
      const proof = await handProof(keyPair, "POST", as.token_endpoint);
      const first = await tokenPost(as, refreshForm(refreshed.refresh_token), proof);
      const firstBody = first.status === 200 ? await first.json() : await first.text();
      check("DPoP: a hand-made proof refreshes the bound refresh token (token_type DPoP)",
            first.status === 200 && firstBody.token_type === "DPoP", `${first.status} ${JSON.stringify(firstBody)}`);
      const second = await tokenPost(as, refreshForm(firstBody.refresh_token), proof);
      check("DPoP: the same proof again at the token endpoint -> 400 invalid_dpop_proof",
            second.status === 400 && (await errorOf(second)) === "invalid_dpop_proof", String(second.status));
      let again;
      const againError = await thrown(async () => {
        again = await oauth.processRefreshTokenResponse(as, nativeApp, await oauth.refreshTokenGrantRequest(
          as, nativeApp, oauth.None(), firstBody.refresh_token, { ...httpOptions, DPoP }));
      });
      check("DPoP: the replay consumed nothing: that refresh token still works with a fresh proof",
            !againError && again?.token_type === "dpop", String(againError));
    }
  }

  // 5. DPoP with dpop_require_nonce (RFC 9449 8, 9): oauth4webapi caches the DPoP-Nonce of a
  //    use_dpop_nonce answer and the request is retried once; a proof without the nonce is refused.
  {
    const port = await startServer(configWith({ profile: "strict", dpop_require_nonce: true }));
    const as = await discover(port);
    nonceRetries = 0;
    const { refreshed, keyPair } = await fullFlow(as, port, "DPoP with nonce", nativeApp, oauth.None(),
                                                  { par: true, dpop: true });
    check("DPoP with nonce: oauth4webapi retried on use_dpop_nonce", nonceRetries >= 1, `${nonceRetries} retries`);
    if (!refreshed) throw new Error("the DPoP nonce flow gave no tokens");
    const form = { grant_type: "refresh_token", refresh_token: refreshed.refresh_token, client_id: "native-app" };
    const r = await tokenPost(as, form, await handProof(keyPair, "POST", as.token_endpoint));
    const nonce = r.headers.get("dpop-nonce");
    check("DPoP with nonce: a proof without nonce -> 400 use_dpop_nonce with a DPoP-Nonce header",
          r.status === 400 && (await errorOf(r)) === "use_dpop_nonce" && !!nonce, `${r.status} nonce=${nonce}`);
    const retry = await tokenPost(as, form, await handProof(keyPair, "POST", as.token_endpoint, { nonce }));
    check("DPoP with nonce: the same request with that nonce succeeds", retry.status === 200, String(retry.status));
    const at = refreshed.access_token;
    const res = await resourceGet(port, `DPoP ${at}`,
                                  await handProof(keyPair, "GET", `http://localhost:${port}/intercoms`, { accessToken: at }));
    const www = res.headers.get("www-authenticate") || "";
    check("DPoP with nonce: a resource proof without nonce -> 401 use_dpop_nonce with a DPoP-Nonce header",
          res.status === 401 && www.startsWith("DPoP") && www.includes('error="use_dpop_nonce"') &&
          !!res.headers.get("dpop-nonce"), `${res.status} ${www}`);
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
