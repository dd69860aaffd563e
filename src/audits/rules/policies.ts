// The newsroom policies findings stand on (domain.md, "Audit rules"), cited by name and address.
import type { Policy } from '../types.js';

export const POLICIES = {
  apAnonymous: {
    name: 'AP: When is it OK to use anonymous sources?',
    url: 'https://blog.ap.org/behind-the-news/when-is-it-ok-to-use-anonymous-sources',
  },
  reutersSourcing: {
    name: 'Reuters Handbook of Journalism: The Essentials of Reuters sourcing',
    url: 'https://handbook.reuters.com/index.php?title=The_Essentials_of_Reuters_sourcing',
  },
  nytConfidential: {
    name: 'The New York Times: Confidential News Sources policy (2004)',
    url: 'https://web.archive.org/web/20100714064918/http://www.nytco.com/company/business_units/sources.html',
  },
  nytBoilerplate: {
    name: 'The New York Times standards memo "A Reminder on Anonymous Sources" (2010)',
    url: 'https://www.cjr.org/the_kicker/nyt_internal_memo_addresses_an.php',
  },
  bbcAccuracy: {
    name: 'BBC Editorial Guidelines, section 3: Accuracy (3.3.4 and reporting allegations)',
    url: 'https://www.bbc.co.uk/editorialguidelines/guidelines/accuracy',
  },
  apCrediting: {
    name: 'AP: attribution and crediting guidance',
    url: 'https://blog.ap.org/behind-the-news/when-is-it-ok-to-use-anonymous-sources',
  },
  provPrimarySource: { name: 'W3C PROV-DM: primary source', url: 'https://www.w3.org/TR/prov-dm/#term-primary-source' },
  webAnnotation: {
    name: 'W3C Web Annotation Data Model: selectors and robust anchoring',
    url: 'https://www.w3.org/TR/annotation-model/#text-quote-selector',
  },
} satisfies Record<string, Policy>;
