// The choices the forms offer, read from the schemas (bundled at build time), so a value added there
// appears here without another list to keep in step.
import common from '../../schemas/common.schema.json';
import type { Hedge, RelayMode, StatementKind } from './types.js';

const defs = common.$defs;
export const STATEMENT_KINDS = defs.statementKind.enum as StatementKind[];
export const HEDGES = defs.hedge.enum as Hedge[];
export const RELAY_MODES = defs.relayMode.enum as RelayMode[];
