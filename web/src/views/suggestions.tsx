import type { Prefill, Span } from './tag-form.js';

interface Props {
  documentId: number;
  onAccepted: (message: string) => void;
  onEdit: (span: Span, prefill: Partial<Prefill>) => void;
}

/** The extraction engine's suggestions for this document (issue 12): shown once its routes exist. */
export function Suggestions(_props: Props) {
  return null;
}
