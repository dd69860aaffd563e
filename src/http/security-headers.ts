import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

interface Recorded {
  set: Array<[string, string]>;
  removed: string[];
}

/**
 * What a helmet middleware does to a response, recorded once at start: with fixed options (no per-request
 * directive such as a nonce) its headers are the same on every response, so a request only copies them
 * instead of passing through helmet's chain of a dozen middlewares. test/security-headers.test.ts checks
 * that the result equals helmet's own.
 */
function record(middleware: ReturnType<typeof helmet>): Recorded {
  const recorded: Recorded = { set: [], removed: [] };
  const res = {
    setHeader: (name: string, value: unknown) => recorded.set.push([name, String(value)]),
    removeHeader: (name: string) => recorded.removed.push(name),
  };
  let done = false;
  middleware({} as Request, res as unknown as Response, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be recorded once');
  return recorded;
}

function apply(r: Recorded): RequestHandler {
  return (_req, res, next) => {
    for (const name of r.removed) res.removeHeader(name);
    for (const [name, value] of r.set) res.setHeader(name, value);
    next();
  };
}

/** Helmet's options for a service reached over plain HTTP, and over HTTPS. */
export const helmetPlain = () =>
  helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } }, strictTransportSecurity: false });
export const helmetSecure = () => helmet();

/**
 * Helmet's headers, in two variants. `upgrade-insecure-requests` and HSTS tell a browser to fetch
 * everything over HTTPS: right when the page came over HTTPS, fatal over plain HTTP on a LAN (the page's
 * own style sheet and script would be asked for on a port that does not speak TLS). So they are sent only
 * when the service is configured as HTTPS (WHOSAID_TLS=1), or when a trusted proxy says the request came
 * in over HTTPS.
 */
export function securityHeaders(tls: boolean, behindProxy = true): RequestHandler {
  const plain = apply(record(helmetPlain()));
  const secure = apply(record(helmetSecure()));
  if (tls) return secure;
  // req.secure believes X-Forwarded-Proto only from a hop Express trusts (WHOSAID_TRUST_PROXY); without
  // one it is the socket's own, and this server never terminates TLS itself: then it is always plain.
  if (!behindProxy) return plain;
  return (req, res, next) => (req.secure ? secure : plain)(req, res, next);
}
