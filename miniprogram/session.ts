// The API session for the pages: one login per launch, shared by every page through the app,
// and a second login when the server says the session ended.

import type { HostApp } from './app';
import { backend } from './backend';
import type { HostError } from './errors';

let pending: Promise<string | null> | null = null;

/**
 * The session, logging in first when there is none (concurrent callers share one login); null
 * when the backend hands none over (the web app signs in by itself).
 */
export function ensureSession(): Promise<string | null> {
  const globals = getApp<HostApp>().globalData;
  if (globals.session !== undefined) return Promise.resolve(globals.session);
  pending ??= backend.createSession()
    .then((session) => { globals.session = session; return session; })
    .finally(() => { pending = null; });
  return pending;
}

/** Drop `session` if it is still the kept one (the server said it ended). */
export function forgetSession(session: string): void {
  const globals = getApp<HostApp>().globalData;
  if (globals.session === session) globals.session = undefined;
}

/** `call` with the session; once more with a new login if the server answers 401 (`auth.required`). */
export async function signedIn<T>(call: (session: string | null) => Promise<T>): Promise<T> {
  const session = await ensureSession();
  try {
    return await call(session);
  } catch (e) {
    if (session === null || (e as HostError | null)?.status !== 401) throw e;
    forgetSession(session);
    return call(await ensureSession());
  }
}
