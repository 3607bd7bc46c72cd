import type { ComponentChildren } from 'preact';
import { ApiProblem } from '../api/client';

/** A message screen readers announce when it appears (`aria-live`). */
export function Notice(props: { kind?: 'info' | 'success' | 'error'; children?: ComponentChildren }) {
  const kind = props.kind ?? 'info';
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'} aria-live={kind === 'error' ? 'assertive' : 'polite'}>
      {props.children}
    </div>
  );
}

/** What went wrong, in words: the problem's title and detail, or the error's message. */
export function describeError(error: unknown): string {
  if (error instanceof ApiProblem) return error.detail ? `${error.title}: ${error.detail}` : error.title;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorNotice(props: { error: unknown }) {
  return props.error ? <Notice kind="error">{describeError(props.error)}</Notice> : null;
}
