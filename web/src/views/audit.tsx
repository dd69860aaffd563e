import { useState } from 'preact/hooks';
import { api, saveFile } from '../api.js';
import type { AuditFinding, AuditReport, AuditVerification } from '../types.js';
import { Badge, ErrorNote, Show, useLoad, useTitle } from '../ui.js';

const SEVERITIES = ['error', 'warning', 'info'] as const;
const SCOPES: Record<string, string> = { documents: 'document', claims: 'claim', actors: 'actor' };

/** Fetches a report as the file the server names, and hands it to the browser to save. */
const download = (path: string): Promise<string> => saveFile(`${path}${path.includes('?') ? '&' : '?'}download=1`, 'whosaid-audit.json');

function RecordLink({ r, f }: { r: AuditFinding['records'][number]; f: AuditFinding }) {
  const text = `${r.type} ${r.id}`;
  switch (r.type) {
    case 'actor':
    case 'statement':
    case 'document':
    case 'claim':
      return <a href={`/${r.type}s/${r.id}`}>{text}</a>;
    case 'tag': {
      const span = f.spans.find((s) => s.tagId === r.id);
      return span ? <a href={`/documents/${span.documentId}?tag=${r.id}`}>{text}</a> : text;
    }
    default:
      return text;
  }
}

function Finding({ f }: { f: AuditFinding }) {
  return (
    <li class={`finding sev-${f.severity}`}>
      <p>
        <Badge kind={`sev sev-${f.severity}`}>{f.severity}</Badge> <strong>{f.message}</strong>
      </p>
      <p class="muted">
        Rule <code>{f.ruleId}</code> ·{' '}
        <a href={f.policy.url} rel="noreferrer noopener">
          {f.policy.name}
        </a>
      </p>
      <p>
        Records:{' '}
        {f.records.map((r, i) => (
          <span key={`${r.type}-${r.id}`}>
            {i > 0 && ', '}
            <RecordLink r={r} f={f} />
          </span>
        ))}
      </p>
      {f.spans.length > 0 && (
        <ul class="spans">
          {f.spans.map((s) => (
            <li key={s.tagId}>
              <a href={`/documents/${s.documentId}?tag=${s.tagId}`} class="span-link">
                “{s.exact ?? '(text no longer in the document)'}”
              </a>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function AuditView({ type, id }: { type: string; id: number }) {
  const scope = SCOPES[type];
  const path = `/v1/audits/${type}/${id}`;
  const [v] = useLoad(() => (scope ? api<AuditReport>(path) : Promise.reject(new Error(`No audit of ${type}.`))), [path]);
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<unknown>(null);
  useTitle(v.state === 'ok' ? `Audit: ${v.data.scope.label}` : 'Audit');
  return (
    <Show v={v}>
      {(r) => (
        <section>
          <h1>Audit: {r.scope.label}</h1>
          <p class="muted">
            Generated {r.generatedAt} by {r.generator.name} {r.generator.version} · {r.rulesChecked.length} rules checked · digest{' '}
            <code>{r.digest.value.slice(0, 16)}…</code>
          </p>
          <Summary r={r} />
          <div class="buttons">
            <button
              type="button"
              onClick={() => {
                setError(null);
                download(path).then((name) => setSaved(`Saved ${name}.`), setError);
              }}
            >
              Download the report
            </button>
            <a href={`/${type}/${id}`}>Open the {scope}</a>
          </div>
          <p role="status" class="note">
            {saved}
          </p>
          {error !== null && <ErrorNote error={error} />}
          {SEVERITIES.map((sev) => {
            const list = r.findings.filter((f) => f.severity === sev);
            return (
              <section key={sev} aria-labelledby={`sev-${sev}`}>
                <h2 id={`sev-${sev}`}>
                  {sev === 'error' ? 'Errors' : sev === 'warning' ? 'Warnings' : 'Notes'} ({list.length})
                </h2>
                {list.length === 0 ? (
                  <p class="muted">None.</p>
                ) : (
                  <ol class="findings">
                    {list.map((f) => (
                      <Finding f={f} key={f.id} />
                    ))}
                  </ol>
                )}
              </section>
            );
          })}
          <Verify />
        </section>
      )}
    </Show>
  );
}

function Summary({ r }: { r: AuditReport }) {
  const s = r.summary;
  const share = (x: { count: number; share: number }) => `${x.count} (${Math.round(x.share * 100)}%)`;
  return (
    <dl class="facts summary">
      <dt>Statements</dt>
      <dd>{s.statements.total}</dd>
      <dt>Named / anonymous / unidentified</dt>
      <dd>
        {share(s.statements.byIdentityStatus.named)} / {share(s.statements.byIdentityStatus.anonymous)} /{' '}
        {share(s.statements.byIdentityStatus.unidentified)}
      </dd>
      <dt>First-hand</dt>
      <dd>{share(s.statements.firstHand)}</dd>
      <dt>Chains</dt>
      <dd>
        {s.chains.count}, longest {s.chains.maxDepth} hops
      </dd>
      <dt>Findings</dt>
      <dd>
        {s.findings.bySeverity.error} errors, {s.findings.bySeverity.warning} warnings, {s.findings.bySeverity.info} notes
      </dd>
    </dl>
  );
}

/** Drop (or choose) a saved report: the server tells whether it is as generated. */
export function Verify() {
  const [result, setResult] = useState<{ name: string; v: AuditVerification } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [over, setOver] = useState(false);
  const check = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setResult(null);
    try {
      let report: unknown;
      try {
        report = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not JSON: it cannot be an audit report.`);
      }
      const v = await api<AuditVerification>('/v1/audits/verify', { method: 'POST', body: report });
      setResult({ name: file.name, v });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="verify" aria-labelledby="verify-title">
      <h2 id="verify-title">Verify a saved report</h2>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the file input inside it is the keyboard's way */}
      <div
        class={over ? 'dropzone over' : 'dropzone'}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void check(e.dataTransfer?.files[0]);
        }}
      >
        <p>Drop a report file here, or</p>
        <label for="verify-file">choose a report file</label>{' '}
        <input id="verify-file" type="file" accept="application/json,.json" onChange={(e) => void check(e.currentTarget.files?.[0])} />
      </div>
      {result && (
        <p role="status" class={result.v.intact ? 'ok verdict' : 'bad verdict'}>
          <strong>{result.v.intact ? 'Intact' : 'Not intact'}</strong>: {result.name} — {result.v.reason}
        </p>
      )}
      {error !== null && <ErrorNote error={error} />}
    </section>
  );
}

export function AuditHome() {
  useTitle('Audits');
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <section>
      <h1>Audits</h1>
      <p>
        Audit a document, claim or actor from its page (“Audit this document”), or everything at once. Each report carries a digest, so a
        saved copy can be checked later.
      </p>
      <div class="buttons">
        <button
          type="button"
          onClick={() => {
            setError(null);
            download('/v1/audits').then((n) => setSaved(`Saved ${n}.`), setError);
          }}
        >
          Download an audit of everything
        </button>
        <a href="/documents">Choose a document</a>
        <a href="/claims">Choose a claim</a>
      </div>
      <p role="status" class="note">
        {saved}
      </p>
      {error !== null && <ErrorNote error={error} />}
      <Verify />
    </section>
  );
}
