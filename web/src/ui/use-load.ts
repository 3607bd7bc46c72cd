import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from './notice';

export type Loaded<T> =
  | { state: 'loading'; reload: () => void }
  | { state: 'error'; message: string; reload: () => void }
  | { state: 'ready'; data: T; reload: () => void };

/** Runs `load` on mount and whenever `deps` change; `reload` runs it again (after a write). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [result, setResult] = useState<{ state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T }>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setResult({ state: 'ready', data }),
      (error: unknown) => live && setResult({ state: 'error', message: describeError(error) }),
    );
    return () => {
      live = false;
    };
  }, [round, ...deps]);
  return { ...result, reload } as Loaded<T>;
}
