import type { Rule } from '../types.js';
import { POLICIES } from './policies.js';
import { makeFinding } from './finding.js';

export const tagOrphaned: Rule = {
  id: 'TAG-ORPHANED',
  title: 'A tag that no longer matches its document’s text',
  severity: 'warning',
  policy: POLICIES.webAnnotation,
  target: 'tags',
  check(data) {
    const scoped = new Set(data.inScope.tags);
    return data.tags
      .filter((t) => scoped.has(t.id) && t.status === 'orphaned')
      .map((t) =>
        makeFinding(this, data, {
          records: [
            { type: 'tag', id: t.id },
            { type: 'document', id: t.documentId },
            ...(t.statementId !== null ? [{ type: 'statement' as const, id: t.statementId }] : []),
          ],
          message: `Tag ${t.id} in “${data.documents.get(t.documentId)?.title ?? `document ${t.documentId}`}” no longer matches the text${t.exact ? ` (it marked “${t.exact.length > 60 ? t.exact.slice(0, 59) + '…' : t.exact}”)` : ''}: the body was edited. Re-anchor or remove it.`,
          evidence: { tagId: t.id, documentId: t.documentId, statementId: t.statementId, status: t.status, exact: t.exact },
        }),
      );
  },
};
