// The host's two calls to the backend over HTTP (the default `backend` of backend.ts): the login
// hand-off and the payment's arguments. The web app makes every other call itself, from the
// web-view, with the session the host hands it (or its own sign-in, with no hand-off).

import { API_BASE, LOGIN_PATH, REQUEST_TIMEOUT_MS, WECHAT_PAY_PARAMS_PATH } from './config';
import { hostError, type HostError } from './errors';

const offline = hostError('net.unreachable', '网络连接失败，请检查网络后重试。', 'Network error: check the connection and try again.');

const badAnswer = hostError('host.bad_answer', '服务器的回答无法识别，请稍后重试。', 'The server’s answer was not understood; please try again later.');

function httpError(status: number, body: unknown): HostError {
  const o = body as Partial<HostError> | null;
  if (typeof o === 'object' && o !== null && typeof o.code === 'string' &&
    typeof o.message_zh === 'string' && typeof o.message_en === 'string') {
    return { code: o.code, message_zh: o.message_zh, message_en: o.message_en, status };
  }
  return { ...hostError(`http.${status}`, `服务器返回错误（HTTP ${status}），请稍后重试。`, `The server answered HTTP ${status}; please try again later.`), status };
}

/** One JSON `POST` to the API (the host makes no other); resolves to a 2xx answer's body, rejects a HostError. */
export function request(path: string, body: WechatMiniprogram.IAnyObject | undefined, session?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const header: Record<string, string> = { 'content-type': 'application/json' };
    if (session) header.authorization = `Bearer ${session}`;
    wx.request({
      url: API_BASE + path,
      method: 'POST',
      data: body ?? {},
      header,
      dataType: 'json',
      timeout: REQUEST_TIMEOUT_MS,
      success: (res) => (res.statusCode >= 200 && res.statusCode < 300 ? resolve(res.data) : reject(httpError(res.statusCode, res.data))),
      fail: () => reject(offline),
    });
  });
}

/** `wx.login`'s one-time code (valid five minutes), for the server to exchange. */
function loginCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    const failed = (detail: string) => reject(hostError('host.login_failed', '微信登录失败，请重试。', `WeChat login failed (${detail}); please try again.`));
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : failed('no code')),
      fail: (e) => failed(e.errMsg),
    });
  });
}

/** A new API session for this WeChat user (config.ts, LOGIN_PATH); null with no hand-off. */
export async function createSession(): Promise<string | null> {
  if (LOGIN_PATH === null) return null;
  const answer = (await request(LOGIN_PATH, { login: await loginCode() })) as { session?: unknown } | null;
  if (typeof answer?.session !== 'string' || answer.session === '') throw badAnswer;
  return answer.session;
}

/** What `wx.requestPayment` needs besides its callbacks. */
export type PaymentParams = Pick<WechatMiniprogram.RequestPaymentOption, 'timeStamp' | 'nonceStr' | 'package' | 'signType' | 'paySign'>;

const SIGN_TYPES: ReadonlyArray<string> = ['MD5', 'HMAC-SHA256', 'RSA'];

/**
 * The checked answer of WECHAT_PAY_PARAMS_PATH: five non-empty strings, a known signType. Checked
 * here so that a wrong answer is a clear error, not a cashier that fails with a vague one.
 */
export function paymentParams(answer: unknown): PaymentParams {
  const o = answer as Record<string, unknown> | null;
  const text = (k: string) => (typeof o?.[k] === 'string' && o[k] !== '' ? (o[k] as string) : null);
  const [timeStamp, nonceStr, pkg, signType, paySign] = ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'].map(text);
  if (!timeStamp || !nonceStr || !pkg || !paySign || !signType || !SIGN_TYPES.includes(signType)) throw badAnswer;
  return { timeStamp, nonceStr, package: pkg, signType: signType as PaymentParams['signType'], paySign };
}

/**
 * The WeChat Pay arguments for `order` (config.ts, WECHAT_PAY_PARAMS_PATH): with the session, or
 * without one (no hand-off) with a fresh login code for the server to identify the payer.
 */
export async function fetchPaymentParams(order: string, session: string | null): Promise<PaymentParams> {
  const path = WECHAT_PAY_PARAMS_PATH.replace('{order}', encodeURIComponent(order));
  const body = session === null ? { login: await loginCode() } : undefined;
  return paymentParams(await request(path, body, session ?? undefined));
}
