/**
 * Signing in and signing up: an email gets a single-use link (`/app/sign-in#token=…`, the token in
 * the fragment so it never reaches a server log); opening it exchanges the token for a session.
 */
import { useEffect, useState } from 'preact/hooks';
import { requestMagicLink, signUpPartner, startSession, type Session } from '../api/session';
import type { AppRole } from '../routes';
import { describeError, Field, Form, formText, Notice, Page } from '../ui';

const ROLE_OPTIONS: { value: AppRole; label: string }[] = [
  { value: 'partner', label: 'Partner' },
  { value: 'vendor', label: 'Vendor' },
  { value: 'operator', label: 'Operator' },
];

/** The token of a sign-in link, taken out of the address bar at once (history, screenshots). */
function takeTokenFromFragment(): string | undefined {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) return undefined;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return decodeURIComponent(match[1]!);
}

function CheckYourEmail(props: { email: string }) {
  return (
    <Notice kind="success">
      <strong>Check your email.</strong> If <span data-testid="sent-to">{props.email}</span> can sign in, a link is on its way. It works
      once, for 15 minutes.
    </Notice>
  );
}

export function SignInPage(props: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState(takeTokenFromFragment);
  const [exchange, setExchange] = useState<'idle' | 'busy' | { error: string }>(token ? 'busy' : 'idle');
  const [sentTo, setSentTo] = useState<string>();
  const initialRole = new URLSearchParams(window.location.search).get('role') ?? 'partner';

  // A link opened in the tab that already shows this page changes only the fragment: no reload.
  useEffect(() => {
    const onHashChange = () => {
      const fresh = takeTokenFromFragment();
      if (fresh) {
        setExchange('busy');
        setToken(fresh);
      }
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  useEffect(() => {
    if (!token) return;
    startSession(token).then(props.onSignedIn, (error: unknown) => setExchange({ error: describeError(error) }));
    // Once per token: a token is single use.
  }, [token]);

  if (exchange === 'busy') {
    return (
      <Page title="Signing in">
        <p aria-busy="true">Signing you in…</p>
      </Page>
    );
  }
  return (
    <Page title="Sign in">
      {typeof exchange === 'object' ? (
        <Notice kind="error">This sign-in link cannot be used ({exchange.error}): links work once, for 15 minutes. Ask for a new one below.</Notice>
      ) : null}
      {sentTo ? (
        <CheckYourEmail email={sentTo} />
      ) : (
        <Form
          label="Sign in"
          submitLabel="Email me a sign-in link"
          testId="sign-in-form"
          onSubmit={async (data) => {
            const email = formText(data, 'email') ?? '';
            await requestMagicLink({ email, role: (formText(data, 'role') ?? 'partner') as AppRole });
            setSentTo(email);
          }}
        >
          {(fieldError) => (
            <>
              <Field name="email" label="Email" type="email" required autoComplete="email" error={fieldError('email')} />
              <Field name="role" label="I am a" value={initialRole} options={ROLE_OPTIONS} error={fieldError('role')} />
            </>
          )}
        </Form>
      )}
      <p>
        New partner? <a href="/app/sign-up">Sign up</a>.
      </p>
    </Page>
  );
}

export function SignUpPage() {
  const [sentTo, setSentTo] = useState<string>();
  return (
    <Page title="Become a partner">
      {sentTo ? (
        <CheckYourEmail email={sentTo} />
      ) : (
        <>
          <p>Promote campaigns and earn a commission on every sale you bring. Your account opens once an operator approves it.</p>
          <Form
            label="Sign up"
            submitLabel="Sign up"
            testId="sign-up-form"
            onSubmit={async (data) => {
              const email = formText(data, 'email') ?? '';
              await signUpPartner({
                email,
                name: formText(data, 'name') ?? '',
                website_url: formText(data, 'website_url'),
                bio: formText(data, 'bio'),
              });
              setSentTo(email);
            }}
          >
            {(fieldError) => (
              <>
                <Field name="name" label="Name" required autoComplete="name" error={fieldError('name')} />
                <Field name="email" label="Email" type="email" required autoComplete="email" error={fieldError('email')} />
                <Field name="website_url" label="Website" type="url" placeholder="https://" error={fieldError('website_url')} />
                <Field name="bio" label="About you and your audience" multiline error={fieldError('bio')} />
              </>
            )}
          </Form>
        </>
      )}
      <p>
        Already a partner? <a href="/app/sign-in">Sign in</a>.
      </p>
    </Page>
  );
}
