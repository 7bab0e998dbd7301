// The host's failures, in the API's error shape (`{ code, message_zh, message_en }`, docs/api.yaml)
// so a page shows the server's words when it sent some and its own otherwise.

export interface HostError {
  code: string;
  message_zh: string;
  message_en: string;
  /** The HTTP status, for failures the API answered. */
  status?: number;
}

export function hostError(code: string, zh: string, en: string): HostError {
  return { code, message_zh: zh, message_en: en };
}

export function isHostError(e: unknown): e is HostError {
  const o = e as Partial<HostError> | null;
  return typeof o === 'object' && o !== null && typeof o.code === 'string' &&
    typeof o.message_zh === 'string' && typeof o.message_en === 'string';
}

/** Anything thrown, as a HostError (a bug is said as one, without its details). */
export function asHostError(e: unknown): HostError {
  return isHostError(e) ? e : hostError('host.internal', '小程序出错，请重试。', 'The mini-program failed; please try again.');
}

/** A WeChat API failure (`{ errMsg }`): its errMsg, which names the API and the reason, no user data. */
export function errMsg(e: unknown): string {
  const msg = (e as { errMsg?: unknown } | null)?.errMsg;
  return typeof msg === 'string' ? msg : 'unknown';
}

/**
 * A WeChat API failure that is the user's cancel: `requestPayment:fail cancel`,
 * `scanCode:fail cancel`, or the `…:cancel` some older clients say.
 */
export function isUserCancel(e: unknown): boolean {
  return /:(fail )?cancel$/.test(errMsg(e));
}
