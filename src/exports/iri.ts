// The one base of every IRI an export writes (PROV, ClaimReview, Web Annotation). It comes from
// configuration only: a request's Host or X-Forwarded-Host never reaches an export, so no client can
// choose the identifiers another system stores.

/** The port the service listens on when PORT is unset; also the port of the default base. */
export const DEFAULT_PORT = 3000;

/** WHOSAID_PUBLIC_URL when set, else this service on localhost at its configured port. No trailing slash. */
export function publicBase(publicUrl: string | undefined, port: number = DEFAULT_PORT): string {
  return (publicUrl || `http://localhost:${port}`).replace(/\/+$/, '');
}

/** The namespace of record identifiers: the PROV prefix `whosaid` and ClaimReview `@id`s live under it. */
export function idNamespace(base: string): string {
  return `${base}/id/`;
}
