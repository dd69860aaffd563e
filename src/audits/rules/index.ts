// The rule catalogue (domain.md, "Audit rules"), in the order reports list it.
import type { Rule } from '../types.js';
import { anonNoDescription } from './anon-no-description.js';
import { anonNoReason } from './anon-no-reason.js';
import { anonBoilerplateReason } from './anon-boilerplate-reason.js';
import { anonNotAttested } from './anon-not-attested.js';
import { anonOpinion } from './anon-opinion.js';
import { anonSoleSupport } from './anon-sole-support.js';
import { pluralCountRule } from './plural-count.js';
import { independentRoutes } from './independent-routes.js';
import { relayUnattributed } from './relay-unattributed.js';
import { relayHedgeDropped } from './relay-hedge-dropped.js';
import { chainNoPrimary } from './chain-no-primary.js';
import { contextCustody } from './context-custody.js';
import { contextOwnChannel } from './context-own-channel.js';
import { tagOrphaned } from './tag-orphaned.js';

export const RULES: readonly Rule[] = [
  anonNoDescription,
  anonNoReason,
  anonBoilerplateReason,
  anonNotAttested,
  anonOpinion,
  anonSoleSupport,
  pluralCountRule,
  independentRoutes,
  relayUnattributed,
  relayHedgeDropped,
  chainNoPrimary,
  contextCustody,
  contextOwnChannel,
  tagOrphaned,
];

export const RULE_IDS = RULES.map((r) => r.id);
