/**
 * The app's entry: a history router under `/app/`. Reads who is signed in (`GET /v1/auth/session`);
 * without a session only the sign-in and sign-up pages open, with one the role's pages and
 * navigation.
 */
import { render, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './app.css';
// Here rather than beside the charts: a stylesheet imported from a lazily loaded chunk would be
// emitted as a file nobody links.
import 'uplot/dist/uPlot.min.css';
import { loadSession, signOut, type Session } from './api/session';
import { interceptAppLinks, navigate, useAppPath } from './navigation';
import { SignInPage, SignUpPage } from './partner/sign-in-pages';
import { loadRoutes, matchAppRoute, type AppRoute } from './routes';
import { describeError, Notice, Page } from './ui';

/** Where a role lands after signing in: its first page in the navigation. */
function homeOf(routes: readonly AppRoute[]): string {
  return routes.find((route) => route.nav)?.path ?? '';
}

function Shell() {
  const path = useAppPath();
  const [session, setSession] = useState<Session | undefined | null>(null);
  const [routes, setRoutes] = useState<AppRoute[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    (async () => {
      const found = await loadSession();
      if (found) setRoutes(await loadRoutes(found.role));
      setSession(found);
    })().catch((caught: unknown) => setError(describeError(caught)));
  }, []);

  if (error) return <Notice kind="error">{error}</Notice>;
  if (session === null) return <p class="muted" aria-busy="true">Loading…</p>;

  const onSignedIn = (signedIn: Session) => {
    loadRoutes(signedIn.role).then((loaded) => {
      setRoutes(loaded);
      setSession(signedIn);
      navigate(homeOf(loaded), { replace: true });
    }, (caught: unknown) => setError(describeError(caught)));
  };
  if (path === 'sign-up') return <Frame><SignUpPage /></Frame>;
  if (path === 'sign-in' || !session || !routes) return <Frame><SignInPage onSignedIn={onSignedIn} /></Frame>;

  const target = path === '' ? homeOf(routes) : path;
  const match = matchAppRoute(routes, session.role, target);
  const nav = routes.filter((route) => route.nav);
  return (
    <Frame
      session={session}
      nav={nav.map((route) => ({ href: `/app/${route.path}`, title: route.title, current: route === match?.route }))}
      onSignOut={async () => {
        await signOut();
        setSession(undefined);
        navigate('sign-in');
      }}
    >
      {match ? (
        <match.route.component params={match.params} key={target} />
      ) : (
        <Page title="Not found">
          <p>
            There is no page here. <a href={`/app/${homeOf(routes)}`}>Go to the start page</a>.
          </p>
        </Page>
      )}
    </Frame>
  );
}

function Frame(props: {
  session?: Session;
  nav?: { href: string; title: string; current: boolean }[];
  onSignOut?: () => void;
  children: ComponentChildren;
}) {
  return (
    <>
      <a class="skip-link" href="#content">
        Skip to content
      </a>
      <header class="top-bar">
        <a class="brand" href="/app/">
          Affiliate platform
        </a>
        {props.session ? (
          <div class="who">
            <span class="muted" data-testid="signed-in-as">
              {props.session.email} ({props.session.role})
            </span>
            <button type="button" class="button link" onClick={props.onSignOut}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      {props.nav && props.nav.length > 0 ? (
        <nav class="main-nav" aria-label="Main">
          <ul>
            {props.nav.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={item.current ? 'page' : undefined}>
                  {item.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="content">{props.children}</main>
    </>
  );
}

const root = document.getElementById('app')!;
interceptAppLinks(root);
render(<Shell />, root);
