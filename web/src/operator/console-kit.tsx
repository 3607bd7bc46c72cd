// Over 300 lines: the operator console's shared pieces (tables, confirm-in-page, filters, money and status cells) used by all of its pages.
/**
 * Small pieces the vendor dashboard and the operator console share: loading a resource, a button
 * that runs one API call, problem+json shown next to the field it names, a scrolling table and
 * CSV export. The app-wide components live in `web/src/ui/`; these are the consoles' own.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import { Money } from '../ui';
import { toCsv } from './csv';

export { toCsv };

/** What an openapi-fetch call resolves to. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a call, or the ApiProblem it answered with (the client's middleware usually throws first). */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const result = await call;
  if (result.error !== undefined || !result.response.ok) {
    if (result.error instanceof ApiProblem) throw result.error;
    const problem = (result.error ?? {}) as { title?: string; detail?: string; errors?: { path: string; message: string }[] };
    throw new ApiProblem(result.response.status, problem.title ?? result.response.statusText, problem.detail, problem.errors);
  }
  return result.data as T;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads once per change of `key` (a string of what the load depends on) and on `reload()`. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => current && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function problemText(error: unknown): string {
  if (error instanceof ApiProblem) return error.detail ? `${error.title}: ${error.detail}` : error.title;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The field errors of a problem, keyed by the last segment of their path (`body.tiers.0.label` → also `tiers`). */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiProblem) || !error.errors) return out;
  for (const e of error.errors) {
    const path = e.path.replace(/^(body|query|params)\./, '');
    const top = path.split('.')[0] ?? path;
    out[path] ??= e.message;
    out[top] ??= `${path === top ? '' : `${path}: `}${e.message}`;
  }
  return out;
}

/** An error announced to assistive technology; nothing when there is none. */
export function ProblemMessage({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <p class="notice notice-error" role="alert">
      {problemText(error)}
    </p>
  );
}

export function StatusMessage({ children }: { children?: ComponentChildren }) {
  return (
    <p class="notice" role="status" aria-live="polite">
      {children}
    </p>
  );
}

/** A labelled input with its problem+json error right under it, tied by aria-describedby. */
export function LabeledField(props: {
  label: string;
  name: string;
  errors: Record<string, string>;
  hint?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => JSX.Element;
}) {
  const id = `field-${props.name}`;
  const message = props.errors[props.name];
  const describedBy = [message ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={message ? 'field field-invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.children({ id, describedBy, invalid: Boolean(message) })}
      {props.hint && (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
      {message && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {message}
        </small>
      )}
    </div>
  );
}

/** A text input bound to a record of form values. */
export function TextInput(props: {
  label: string;
  name: string;
  values: Record<string, string>;
  onChange: (name: string, value: string) => void;
  errors: Record<string, string>;
  type?: 'text' | 'email' | 'url' | 'date' | 'datetime-local' | 'number';
  required?: boolean;
  hint?: string;
  multiline?: boolean;
}) {
  return (
    <LabeledField label={props.label} name={props.name} errors={props.errors} hint={props.hint}>
      {({ id, describedBy, invalid }) =>
        props.multiline ? (
          <textarea
            id={id}
            name={props.name}
            rows={8}
            value={props.values[props.name] ?? ''}
            required={props.required}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onInput={(e) => props.onChange(props.name, e.currentTarget.value)}
          />
        ) : (
          <input
            id={id}
            name={props.name}
            type={(props.type ?? 'text') as 'text'}
            value={props.values[props.name] ?? ''}
            required={props.required}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onInput={(e) => props.onChange(props.name, e.currentTarget.value)}
          />
        )
      }
    </LabeledField>
  );
}

export function SelectInput(props: {
  label: string;
  name: string;
  values: Record<string, string>;
  onChange: (name: string, value: string) => void;
  errors: Record<string, string>;
  options: readonly string[];
}) {
  return (
    <LabeledField label={props.label} name={props.name} errors={props.errors}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          name={props.name}
          value={props.values[props.name] ?? ''}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onChange={(e) => props.onChange(props.name, e.currentTarget.value)}
        >
          {props.options.map((o) => (
            <option key={o} value={o}>
              {o === '' ? '(any)' : o}
            </option>
          ))}
        </select>
      )}
    </LabeledField>
  );
}

/** Form state with the last problem: `submit` runs the call and keeps its field errors. */
export function useForm(initial: Record<string, string>) {
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const onChange = useCallback((name: string, value: string) => setValues((v) => ({ ...v, [name]: value })), []);
  async function submit<T>(call: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(undefined);
    try {
      return await call();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { values, setValues, onChange, error, setError, busy, submit, errors: fieldErrors(error) };
}

/**
 * A real button running one call, its problem shown next to it. With `confirm`, the first press
 * asks in the page (the question announced, "Yes, <verb>" and "Cancel"), the second runs it: no
 * browser dialog, so keyboard, screen reader and browser tests see the same page.
 */
export function ActionButton(props: {
  label: string;
  onAction: () => Promise<unknown>;
  onDone?: () => void;
  confirm?: string;
  describedBy?: string;
  variant?: 'primary' | 'danger';
}) {
  const [stage, setStage] = useState<'idle' | 'asking' | 'busy'>('idle');
  const [error, setError] = useState<unknown>(undefined);
  async function run() {
    if (props.confirm && stage === 'idle') {
      setStage('asking');
      return;
    }
    setStage('busy');
    setError(undefined);
    try {
      await props.onAction();
      setStage('idle');
      props.onDone?.();
    } catch (e) {
      setError(e);
      setStage('idle');
    }
  }
  return (
    <span class="action">
      {stage === 'asking' && <span role="alert">{props.confirm}</span>}
      <button type="button" class={props.variant ? `button ${props.variant}` : 'button'} disabled={stage === 'busy'} aria-describedby={props.describedBy} onClick={run}>
        {stage === 'asking' ? `Yes, ${props.label.toLowerCase()}` : props.label}
      </button>
      {stage === 'asking' && (
        <button type="button" class="button link" onClick={() => setStage('idle')}>
          Cancel
        </button>
      )}
      {error !== undefined && (
        <span class="field-error" role="alert">
          {problemText(error)}
        </span>
      )}
    </span>
  );
}

/** A table that scrolls sideways on a phone instead of squeezing; focusable so the keyboard can scroll it. */
export function ScrollTable({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      <table>
        <caption class="visually-hidden">{label}</caption>
        {children}
      </table>
    </div>
  );
}

/** An amount as the API gives it (a decimal string) with its currency: never recomputed. */
export function Amount({ amount, currency }: { amount: string | null | undefined; currency: string }) {
  return <Money amount={amount} currency={currency} />;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

/** Saves text as a file through a blob link (no server round trip; allowed by the app's CSP). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function CsvButton(props: { filename: string; columns: readonly string[]; rows: readonly Record<string, unknown>[]; label?: string }) {
  return (
    <button type="button" class="button" onClick={() => downloadText(props.filename, toCsv(props.columns, props.rows))}>
      {props.label ?? 'Export CSV'}
    </button>
  );
}

/** A secret the API shows once: visible until dismissed, with a copy button. */
export function ShownOnce({ label, value, onDismiss }: { label: string; value: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="shown-once" role="status">
      <p>
        <strong>{label}</strong> (shown once: copy it now)
      </p>
      <code class="secret">{value}</code>
      <button
        type="button"
        class="button"
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => setCopied(true));
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
      <button type="button" class="button" onClick={onDismiss}>
        Done
      </button>
    </div>
  );
}

/** The page's main heading, focused after navigation so a screen reader hears where it landed. */
export function PageHeading({ title, children }: { title: string; children?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Affiliate platform`;
    ref.current?.focus();
  }, [title]);
  return (
    <header class="page-header">
      <h1 id="page-title" ref={ref} tabIndex={-1}>
        {title}
      </h1>
      {children ? <div class="page-actions">{children}</div> : null}
    </header>
  );
}

export function Loading({ loaded }: { loaded: { loading: boolean; error: unknown } }) {
  if (loaded.error !== undefined) return <ProblemMessage error={loaded.error} />;
  if (loaded.loading) return <StatusMessage>Loading…</StatusMessage>;
  return null;
}
