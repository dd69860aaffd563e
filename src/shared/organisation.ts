/**
 * The newsroom publishing this instance's exports: the author of its ClaimReviews and the creator of its
 * annotations (WHOSAID_ORG_NAME, WHOSAID_ORG_URL; the URL defaults to the public base).
 */
export interface Organisation {
  name: string;
  url: string;
}

export const DEFAULT_ORG_NAME = 'whosaid';

/**
 * Who an annotation credits as its creator (WHOSAID_ANNOTATION_CREATOR): the organisation always, or the
 * name of the API key whose request made the tag (the organisation for tags no key made).
 */
export type CreatorMode = 'organisation' | 'key';

/** The organisation of an instance whose exported IRIs live under `iriBase`. */
export function organisation(iriBase: string, name?: string, url?: string): Organisation {
  return { name: name || DEFAULT_ORG_NAME, url: url || `${iriBase}/` };
}

/** What the exports say of who publishes them. */
export interface Publisher {
  org: Organisation;
  annotationCreator: CreatorMode;
}
