import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { describeError } from './notice';

/** Copies `text`; says so (politely, to screen readers too) for a moment. */
export function CopyButton(props: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  }
  return (
    <button type="button" class="button" onClick={copy}>
      {props.label ?? 'Copy'}
      <span class="visually-hidden" aria-live="polite">
        {state === 'copied' ? ' copied' : state === 'failed' ? ' failed: select the text and copy it' : ''}
      </span>
      {state === 'copied' ? ' ✓' : ''}
    </button>
  );
}

/**
 * A button for an action that changes state: asks "Confirm?" on the first press, runs on the
 * second, and reports a failure in place.
 */
export function ConfirmButton(props: {
  label: string;
  onConfirm: () => Promise<void>;
  confirmLabel?: string;
  danger?: boolean;
  children?: ComponentChildren;
}) {
  const [stage, setStage] = useState<'idle' | 'asking' | 'busy'>('idle');
  const [error, setError] = useState<string>();
  async function press() {
    if (stage === 'idle') {
      setStage('asking');
      return;
    }
    if (stage !== 'asking') return;
    setStage('busy');
    setError(undefined);
    try {
      await props.onConfirm();
    } catch (caught) {
      setError(describeError(caught));
    }
    setStage('idle');
  }
  return (
    <span class="confirm">
      <button type="button" class={`button${props.danger ? ' danger' : ''}`} onClick={press} disabled={stage === 'busy'}>
        {stage === 'asking' ? (props.confirmLabel ?? 'Confirm') : props.label}
      </button>
      {stage === 'asking' ? (
        <button type="button" class="button link" onClick={() => setStage('idle')}>
          Cancel
        </button>
      ) : null}
      {error ? (
        <span class="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
