/** History-based navigation under `/app/`: links and code move with `navigate`, never a reload. */
import { useEffect, useState } from 'preact/hooks';

export const APP_BASE = '/app/';

/** The current path relative to `/app/` (no leading slash), e.g. `partner/links`. */
export function currentAppPath(): string {
  const path = window.location.pathname;
  return path.startsWith(APP_BASE) ? path.slice(APP_BASE.length) : '';
}

/** Goes to `to` (relative to `/app/`, or absolute under it) and tells the shell. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = to.startsWith('/') ? to : `${APP_BASE}${to}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

/** Re-renders on every navigation; returns the path relative to `/app/`. */
export function useAppPath(): string {
  const [path, setPath] = useState(currentAppPath());
  useEffect(() => {
    const onChange = () => setPath(currentAppPath());
    window.addEventListener('popstate', onChange);
    return () => window.removeEventListener('popstate', onChange);
  }, []);
  return path;
}

/**
 * Same-app links (`<a href="/app/...">`) navigate in place; modified clicks (new tab) and other
 * hosts keep the browser's behaviour.
 */
export function interceptAppLinks(root: HTMLElement): void {
  root.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin || !url.pathname.startsWith(APP_BASE)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
