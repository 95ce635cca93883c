// Differential redirect validator test, browser half (Node.js >= 18, no packages).
//
// Runs the C++ candidate generator (argv[2]), and for every redirect_uri the library accepted,
// parses it, and the Location the server would send, with the WHATWG URL parser that browsers
// use (Node's global URL). Each must resolve to a scheme, host and port the matching registered
// pattern allows:
//   - protocol: the pattern's; "http:" only for loopback hosts (localhost, 127.0.0.1, [::1]);
//   - hostname: equal to the pattern's host, or for "*.suffix" ending with ".suffix" after at
//     least one whole non-empty label;
//   - port: the pattern's effective port, except that loopback patterns allow any port;
//   - no username, password or fragment; path and query as the pattern requires;
//   - the Location has the candidate's origin, and carries the code.
// Prints candidates tried, accepted (per pattern) and mismatches; exits 1 on any mismatch.
// Known library findings (see fuzz/findings/README.md) are counted and listed apart.
import { spawnSync } from "node:child_process";

const generator = process.argv[2];
if (!generator) {
  console.error("usage: check_whatwg.mjs PATH/TO/redirect_candidates");
  process.exit(2);
}
const run = spawnSync(generator, [], { maxBuffer: 1 << 30, encoding: "utf8" });
if (run.status !== 0) {
  console.error(run.stderr);
  console.error(`generator failed with status ${run.status}`);
  process.exit(1);
}
const lines = run.stdout.split("\n").filter((l) => l.length > 0);

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

// A registration: scheme://host[:port]path[?query], host maybe "*.", path maybe ending in "*".
function parsePattern(text) {
  const m = /^(https?):\/\/(\[[^\]]+\]|[^/:?]+)(?::(\d+))?(\/[^?]*)?(?:\?(.*))?$/.exec(text);
  if (!m) throw new Error("unparseable registration " + text);
  const [, scheme, host, port, path = "/", query] = m;
  const p = {
    text,
    scheme,
    host,
    port: port ? Number(port) : scheme === "https" ? 443 : 80,
    wildcardHost: host.startsWith("*."),
    suffix: host.startsWith("*.") ? host.slice(1) : null,
    path: path.endsWith("*") ? path.slice(0, -1) : path,
    wildcardPath: path.endsWith("*"),
    search: query === undefined ? "" : "?" + query,
  };
  p.loopback = LOOPBACK.has(host);
  return p;
}

function effectivePort(u) {
  if (u.port !== "") return Number(u.port);
  return u.protocol === "https:" ? 443 : u.protocol === "http:" ? 80 : -1;
}

// Returns the list of rule violations of URL `u` against pattern `p` (empty: allowed).
function violations(u, p, { checkPath }) {
  const v = [];
  if (u.protocol !== p.scheme + ":") v.push(`protocol ${u.protocol} is not ${p.scheme}:`);
  if (u.protocol === "http:" && !LOOPBACK.has(u.hostname)) v.push(`http: with non-loopback host ${u.hostname}`);
  if (p.wildcardHost) {
    const h = u.hostname;
    const prefix = h.slice(0, h.length - p.suffix.length);
    if (!h.endsWith(p.suffix) || prefix.length === 0) v.push(`host ${h} does not end with ${p.suffix}`);
    else if (prefix.startsWith(".") || prefix.includes("..")) v.push(`host ${h} has an empty label`);
  } else if (u.hostname !== p.host) {
    v.push(`host ${u.hostname} is not ${p.host}`);
  }
  if (!p.loopback && effectivePort(u) !== p.port) v.push(`port ${effectivePort(u)} is not ${p.port}`);
  if (u.username !== "" || u.password !== "") v.push(`userinfo ${u.username}:${u.password}`);
  if (u.hash !== "") v.push(`fragment ${u.hash}`);
  if (checkPath) {
    if (p.wildcardPath) {
      if (!u.pathname.startsWith(p.path)) v.push(`path ${u.pathname} outside ${p.path}`);
    } else if (u.pathname !== p.path || u.search !== p.search) {
      v.push(`path/query ${u.pathname}${u.search} is not ${p.path}${p.search}`);
    }
  } else if (!p.wildcardPath && u.pathname !== p.path) {
    v.push(`path ${u.pathname} is not ${p.path}`);
  }
  return v;
}

// Known findings (fuzz/findings/README.md): URIs the library accepts but browsers refuse to
// parse at all, so the redirect fails closed. Only a mismatch whose every problem is "cannot
// parse" can be classed as one; any host, scheme or port disagreement always fails the test.
// Remove an entry once the library is fixed.
const authority = (uri) => /^[a-zA-Z]+:\/\/(\[[^\]]*\]|[^/:?#]*)(?::(\d+))?/.exec(uri);
const KNOWN = [
  {
    id: "F3",
    what: "an 'xn--' label that is well-formed Punycode but decodes to a character UTS #46 maps or disallows (the library checks RFC 3492, not Unicode's tables); browsers refuse the host",
    test: (uri) => {
      const m = authority(uri);
      return m !== null && m[1].split(".").some((l) => /^xn--/i.test(l));
    },
  },
];
const unparseable = (problem) => problem.startsWith("WHATWG URL cannot parse");

// Negative controls: the oracle must flag these (else it checks nothing).
for (const [uri, pattern] of [
  ["https://evil.test/oauth/callback", "https://connect.getseam.com/oauth/callback"],
  ["http://connect.getseam.com/oauth/callback", "https://connect.getseam.com/oauth/callback"],
  ["https://connect.getseam.com:8443/oauth/callback", "https://connect.getseam.com/oauth/callback"],
  ["https://connect.getseam.com/oauth/other", "https://connect.getseam.com/oauth/callback"],
  ["https://integrations.getseam.com.evil.test/x", "https://*.integrations.getseam.com/*"],
  ["https://evilintegrations.getseam.com/x", "https://*.integrations.getseam.com/*"],
  ["https://integrations.getseam.com/x", "https://*.integrations.getseam.com/*"],
  ["https://user@a.integrations.getseam.com/x", "https://*.integrations.getseam.com/*"],
  ["http://127.0.0.2:3020/oauth/callback", "http://localhost:3020/oauth/callback"],
]) {
  if (violations(new URL(uri), parsePattern(pattern), { checkPath: true }).length === 0) {
    console.log(`oracle self-test failed: ${uri} passes as ${pattern}`);
    process.exit(1);
  }
}
if (violations(new URL("https://a.b.integrations.getseam.com/x?y"), parsePattern("https://*.integrations.getseam.com/*"),
               { checkPath: true }).length !== 0) {
  console.log("oracle self-test failed: a valid wildcard match is flagged");
  process.exit(1);
}

const patterns = new Map();
let tried = 0;
let accepted = 0;
const perPattern = new Map();
const mismatches = [];
const known = new Map();

for (const line of lines) {
  const c = JSON.parse(line);
  tried++;
  if (!c.accepted) continue;
  accepted++;
  perPattern.set(c.pattern, (perPattern.get(c.pattern) || 0) + 1);
  if (!patterns.has(c.pattern)) patterns.set(c.pattern, parsePattern(c.pattern));
  const p = patterns.get(c.pattern);
  const problems = [];
  let u = null;
  try {
    u = new URL(c.uri);
  } catch (e) {
    problems.push("WHATWG URL cannot parse the accepted redirect_uri");
  }
  if (u) problems.push(...violations(u, p, { checkPath: true }));
  let loc = null;
  try {
    loc = new URL(c.location);
  } catch (e) {
    problems.push("WHATWG URL cannot parse the Location " + JSON.stringify(c.location));
  }
  if (loc) {
    problems.push(...violations(loc, p, { checkPath: false }).map((s) => "Location: " + s));
    if (!loc.searchParams.get("code")) problems.push("Location carries no code");
    if (loc.searchParams.get("state") !== "st") problems.push("Location lost the state");
    if (u && loc.origin !== u.origin) problems.push(`Location origin ${loc.origin} is not ${u.origin}`);
  }
  if (problems.length === 0) continue;
  const k = problems.every(unparseable) ? KNOWN.find((k) => k.test(c.uri)) : undefined;
  if (k) {
    if (!known.has(k.id)) known.set(k.id, { what: k.what, examples: [] });
    const entry = known.get(k.id);
    if (entry.examples.length < 3) entry.examples.push(`${JSON.stringify(c.uri)} (${problems.join("; ")})`);
    entry.count = (entry.count || 0) + 1;
    continue;
  }
  mismatches.push({ uri: c.uri, pattern: c.pattern, location: c.location, problems });
}

console.log(`redirect differential (WHATWG URL, Node ${process.version}):`);
console.log(`  candidates tried: ${tried}`);
console.log(`  accepted by beast-oauth: ${accepted}`);
for (const [p, n] of perPattern) console.log(`    ${n} for ${p}`);
for (const [id, e] of known) {
  console.log(`  known finding ${id} (${e.what}): ${e.count} accepted candidates, e.g.`);
  for (const ex of e.examples) console.log(`    ${ex}`);
}
console.log(`  mismatches: ${mismatches.length}`);
for (const m of mismatches.slice(0, 40)) {
  console.log(`    ${JSON.stringify(m.uri)} matched ${m.pattern}: ${m.problems.join("; ")}`);
}
if (tried < 1000 || accepted < 100) {
  console.log("too few candidates or acceptances: the generator is broken");
  process.exit(1);
}
process.exit(mismatches.length === 0 ? 0 : 1);
