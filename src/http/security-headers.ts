import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Helmet's headers, in two variants. `upgrade-insecure-requests` and HSTS tell a browser to fetch
 * everything over HTTPS: right when the page came over HTTPS, fatal over plain HTTP on a LAN (the page's
 * own style sheet and script would be asked for on a port that does not speak TLS). So they are sent only
 * when the service is configured as HTTPS (WHOSAID_TLS=1), or when a trusted proxy says the request came
 * in over HTTPS.
 */
export function securityHeaders(tls: boolean): RequestHandler {
  const plain = helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    strictTransportSecurity: false,
  });
  const secure = helmet();
  // req.secure believes X-Forwarded-Proto only from a hop Express trusts (WHOSAID_TRUST_PROXY); without
  // one it is the socket's own, and this server never terminates TLS itself.
  const isSecure = (req: Request) => tls || req.secure;
  return (req, res, next) => (isSecure(req) ? secure : plain)(req, res, next);
}
