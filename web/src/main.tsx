import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { api, ApiError } from './api.js';
import { location, match } from './router.js';
import { can, currentKey, keep, restoring, session, signOut } from './session.js';
import type { ApiKey } from './types.js';
import { ErrorNote, Loading } from './ui.js';
import { SignIn } from './views/sign-in.js';
import { SearchView } from './views/search.js';
import { DocumentList } from './views/documents.js';
import { ArticleView } from './views/article.js';
import { StatementView } from './views/statement.js';
import { ClaimList, ClaimView } from './views/claim.js';
import { ActorView } from './views/actor.js';
import { AuditHome, AuditView } from './views/audit.js';
import { ChangesView } from './views/changes.js';

type Route = [pattern: string, view: (p: Record<string, string>) => preact.JSX.Element];

const ROUTES: Route[] = [
  ['/', () => <SearchView />],
  ['/search', () => <SearchView />],
  ['/documents', () => <DocumentList />],
  ['/documents/:id', (p) => <ArticleView id={Number(p.id)} />],
  ['/statements/:id', (p) => <StatementView id={Number(p.id)} />],
  ['/claims', () => <ClaimList />],
  ['/claims/:id', (p) => <ClaimView id={Number(p.id)} />],
  ['/actors/:id', (p) => <ActorView id={Number(p.id)} />],
  ['/audits', () => <AuditHome />],
  ['/audits/:type/:id', (p) => <AuditView type={p.type} id={Number(p.id)} />],
  ['/changes', () => <ChangesView />],
];

function Nav() {
  const path = location.value.path;
  const item = (href: string, text: string) => {
    const current = href === '/' ? path === '/' || path === '/search' : path.startsWith(href);
    return (
      <li>
        <a href={href} aria-current={current ? 'page' : undefined}>
          {text}
        </a>
      </li>
    );
  };
  return (
    <nav aria-label="Desk">
      <ul>
        {item('/', 'Who said this?')}
        {item('/documents', 'Documents')}
        {item('/claims', 'Claims')}
        {item('/audits', 'Audits')}
        {can('editor') && item('/changes', 'Changes')}
      </ul>
    </nav>
  );
}

function Account() {
  const s = session.value;
  if (!s) return <a href="/sign-in">Sign in</a>;
  return (
    <p class="account">
      <span>
        {s.name} · <strong class="role">{s.role}</strong>
      </span>{' '}
      <button
        type="button"
        class="link"
        onClick={() => {
          signOut();
        }}
      >
        Sign out
      </button>
    </p>
  );
}

function Page() {
  const { path } = location.value;
  if (restoring.value) return <Loading />;
  if (path === '/sign-in' || !session.value) return <SignIn />;
  if (path === '/changes' && !can('editor'))
    return <ErrorNote error={new ApiError({ status: 403, title: 'Forbidden', detail: 'The change history is for editors.' })} />;
  for (const [pattern, view] of ROUTES) {
    const params = match(pattern, path);
    if (params) return view(params);
  }
  return <ErrorNote error={new ApiError({ status: 404, title: 'Not found', detail: `The desk has no page at ${path}.` })} />;
}

function App() {
  useEffect(() => {
    const key = currentKey();
    if (!key || session.value) return;
    api<ApiKey>('/v1/keys/current', { key })
      .then((k) => keep({ key, name: k.name, role: k.role }, localStorage.getItem('whosaid.key') === key))
      .catch(() => signOut())
      .finally(() => {
        restoring.value = false;
      });
  }, []);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="logo" href="/">
          whosaid <span>desk</span>
        </a>
        <Nav />
        <Account />
      </header>
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
