/**
 * The portal's only way out: the public API, with the pay link in `x-api-key` (it is the
 * customer's credential). The link arrives in the URL's fragment (`#link=pl1...`), which browsers
 * never send to a server; the page keeps it in sessionStorage and takes it out of the address bar.
 */
const STORAGE_KEY = 'otc.portal.link';

/** The pay link of this tab: from the fragment (then kept), else the one kept. */
export function takeLink(): string | undefined {
  const match = /(?:^#|&)link=([^&]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

/** When the (unverified) link says it expires: for the refusal page only, never for access. */
export function linkExpiry(link: string): string | undefined {
  try {
    const payload = link.split('.')[1] ?? '';
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? new Date(json.exp * 1000).toISOString().slice(0, 10) : undefined;
  } catch {
    return undefined;
  }
}

let apiBase: Promise<string> | undefined;

/** The API's address: `config.json` beside the page (written by the deployment), else this origin. */
function base(): Promise<string> {
  apiBase ??= fetch('./config.json')
    .then(async (r) => (r.ok ? ((await r.json()) as { apiUrl?: string }).apiUrl?.replace(/\/+$/, '') : undefined))
    .catch(() => undefined)
    .then((url) => url || window.location.origin);
  return apiBase;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: readonly { field?: string; problem?: string }[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function call(link: string, method: string, path: string, body?: unknown, accept = 'application/json'): Promise<Response> {
  const response = await fetch(`${await base()}${path}`, {
    method,
    headers: { 'x-api-key': link, accept, ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    let details: { field?: string; problem?: string }[] = [];
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string; details?: typeof details }; message?: string };
      message = parsed.error?.message ?? parsed.message ?? text;
      details = parsed.error?.details ?? [];
    } catch {
      // not JSON: the text as it is
    }
    throw new ApiError(response.status, message, details);
  }
  return response;
}

export async function json<T>(link: string, method: string, path: string, body?: unknown): Promise<T> {
  return (await (await call(link, method, path, body)).json()) as T;
}

/** Fetches a document with the link and hands it to the browser as a download. */
export async function download(link: string, path: string, accept: string, fileName: string): Promise<void> {
  const blob = await (await call(link, 'GET', path, undefined, accept)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
