/** Hash routes (`#/orders/O-1`), so the static files work from any folder and any host. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  readonly page: string;
  readonly id: string | undefined;
  readonly params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page = 'dashboard', id] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page, id, params: new URLSearchParams(query) };
}

export function href(page: string, id?: string, params?: Record<string, string | undefined>): string {
  const query = params ? new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString() : '';
  return `#/${page}${id ? `/${encodeURIComponent(id)}` : ''}${query ? `?${query}` : ''}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
