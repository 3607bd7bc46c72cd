import type { ComponentChildren, TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import { ErrorNotice } from './notice';

/**
 * A form that runs `onSubmit` once at a time, shows a problem's message on top and hands each
 * field its own message (the API names fields like `body.email`).
 */
export function Form(props: {
  onSubmit: (data: FormData) => Promise<void>;
  submitLabel: string;
  children: (fieldError: (name: string) => string | undefined) => ComponentChildren;
  testId?: string;
  label?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const fieldError = (name: string) => (error instanceof ApiProblem ? error.fieldError(name) : undefined);

  async function submit(event: TargetedEvent<HTMLFormElement, SubmitEvent>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onSubmit(new FormData(event.currentTarget));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form" onSubmit={submit} data-testid={props.testId} aria-label={props.label} noValidate>
      <ErrorNotice error={error} />
      {props.children(fieldError)}
      <button type="submit" class="button primary" disabled={busy}>
        {props.submitLabel}
      </button>
    </form>
  );
}

/** A labelled input with its hint and its error, wired by `aria-describedby`. */
export function Field(props: {
  name: string;
  label: string;
  type?: string;
  required?: boolean;
  value?: string;
  placeholder?: string;
  hint?: string;
  error?: string;
  multiline?: boolean;
  options?: { value: string; label: string }[];
  autoComplete?: string;
}) {
  const id = `field-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: props.name,
    required: props.required,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`}>
      <label for={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {props.options ? (
        <select {...common} value={props.value}>
          {props.options.map((option) => (
            <option value={option.value} key={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : props.multiline ? (
        <textarea {...common} value={props.value} placeholder={props.placeholder} rows={4} />
      ) : (
        <input {...common} type={(props.type ?? 'text') as 'text'} value={props.value} placeholder={props.placeholder} autoComplete={props.autoComplete} />
      )}
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** A form value, trimmed; an empty field is `undefined` (optional fields are then left out). */
export function formText(data: FormData, name: string): string | undefined {
  const value = data.get(name);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
