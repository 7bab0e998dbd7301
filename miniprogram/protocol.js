// The URL contract between the web app (`www/bridge.js`, inside the host's web-view) and its WeChat
// mini-program host (`miniprogram/`): the host's page paths, the query names, the fragment keys and
// values, and the small functions that build and read them. Both ends use this one file:
// `miniprogram/protocol.js` is a byte-for-byte copy, because a mini-program package cannot load
// files from outside its own folder; `tests/miniprogram` fails when the two differ (after a change
// here: `cp www/bridge-protocol.js miniprogram/protocol.js`).
//
// Nothing here may use a browser or Node global: the mini-program's JS runtime has no `URL`,
// `URLSearchParams`, `window` or `location`. The builders work on strings with
// `encodeURIComponent`; the readers take already parsed parameters (anything with `get(name)`, e.g.
// the browser's `URLSearchParams`), so the web-view parses exactly as its browser does.
//
// The flow (each URL is built by one function here):
//   web-view page → web app:  WEB_APP_URL?session=S                          withSession
//   web app → pay page:       /pages/pay/pay?order=O&return=R                payPageUrl
//   pay page → web-view page: /pages/webview/webview?url=U                   webviewPageUrl
//                             U = R#payment=success|cancel&order=O           paymentReturnUrl
//                             (the web-view page opens U with ?session=S)    withSession
//   web app → scan page:      /pages/scan/scan?return=R                      scanPageUrl
//   scan page → web-view:     as above, U = R#scan=success&code=C | R#scan=cancel   scanReturnUrl
// R is the web app's page without its session; every value is percent-encoded (encodeURIComponent).

/** The host's pages, as `wx.miniProgram.navigateTo` and `wx.reLaunch` name them (`app.json`). */
export const HOST_PAGES = Object.freeze({
  webview: '/pages/webview/webview',
  pay: '/pages/pay/pay',
  scan: '/pages/scan/scan',
});

/** Query parameter names: on the web app's URL (`session`) and on the host's pages (the rest). */
export const QUERY = Object.freeze({
  session: 'session',
  order: 'order',
  return: 'return',
  url: 'url',
});

/** Fragment keys and values the host puts on the web app's return URL. */
export const FRAGMENT = Object.freeze({
  payment: 'payment',
  order: 'order',
  scan: 'scan',
  code: 'code',
  success: 'success',
  cancel: 'cancel',
});

/** @typedef {'success' | 'cancel'} Outcome */
/** Query or fragment parameters already parsed, e.g. a `URLSearchParams`. @typedef {{ get(name: string): string | null }} Params */

const enc = encodeURIComponent;

/**
 * `url` cut at its first `#`: `[before, '#…' or '']`.
 * @param {string} url
 * @returns {[string, string]}
 */
function splitHash(url) {
  const at = url.indexOf('#');
  return at < 0 ? [url, ''] : [url.slice(0, at), url.slice(at)];
}

/**
 * The name of one `name=value` query pair, decoded as a form would be (`+` is a space).
 * @param {string} pair
 * @returns {string}
 */
function pairName(pair) {
  const name = pair.split('=', 1)[0].replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name; // a malformed escape: not a name this module writes
  }
}

/**
 * The host's pay page for `order`; the host reopens `returnUrl` (the web app's page, without its
 * session) with the result in the fragment.
 * @param {string} order
 * @param {string} returnUrl
 * @returns {string}
 */
export function payPageUrl(order, returnUrl) {
  return `${HOST_PAGES.pay}?${QUERY.order}=${enc(order)}&${QUERY.return}=${enc(returnUrl)}`;
}

/**
 * The host's scan page; it reopens `returnUrl` with the scanned text in the fragment.
 * @param {string} returnUrl
 * @returns {string}
 */
export function scanPageUrl(returnUrl) {
  return `${HOST_PAGES.scan}?${QUERY.return}=${enc(returnUrl)}`;
}

/**
 * The host's web-view page, opening `webUrl` (which may carry a fragment: it is encoded whole).
 * @param {string} webUrl
 * @returns {string}
 */
export function webviewPageUrl(webUrl) {
  return `${HOST_PAGES.webview}?${QUERY.url}=${enc(webUrl)}`;
}

/**
 * `webUrl` with `?session=` set to `session`, placed before any fragment. A `session` already on
 * the URL is replaced, not repeated: the web app reads the first one.
 * @param {string} webUrl
 * @param {string} session
 * @returns {string}
 */
export function withSession(webUrl, session) {
  const [beforeHash, hash] = splitHash(webUrl);
  const at = beforeHash.indexOf('?');
  const path = at < 0 ? beforeHash : beforeHash.slice(0, at);
  const pairs = at < 0 ? [] : beforeHash.slice(at + 1).split('&');
  const kept = pairs.filter((pair) => pair !== '' && pairName(pair) !== QUERY.session);
  kept.push(`${QUERY.session}=${enc(session)}`);
  return `${path}?${kept.join('&')}${hash}`;
}

/**
 * `returnUrl` with the payment's outcome as its fragment (any fragment it had is dropped).
 * @param {string} returnUrl
 * @param {Outcome} result
 * @param {string} order
 * @returns {string}
 */
export function paymentReturnUrl(returnUrl, result, order) {
  if (result !== FRAGMENT.success && result !== FRAGMENT.cancel) throw new TypeError(`payment result must be success or cancel, not ${String(result)}`);
  return `${splitHash(returnUrl)[0]}#${FRAGMENT.payment}=${result}&${FRAGMENT.order}=${enc(order)}`;
}

/**
 * `returnUrl` with the scan's outcome as its fragment: the text when there is one, else a cancel.
 * @param {string} returnUrl
 * @param {string | null} code
 * @returns {string}
 */
export function scanReturnUrl(returnUrl, code) {
  const base = `${splitHash(returnUrl)[0]}#${FRAGMENT.scan}=`;
  return code == null ? base + FRAGMENT.cancel : `${base}${FRAGMENT.success}&${FRAGMENT.code}=${enc(code)}`;
}

/**
 * A value of a host page's `onLoad` options: the mini-program hands query values over still
 * percent-encoded, so they are decoded once here. Missing, empty or malformed: `null`.
 * @param {string | undefined} value
 * @returns {string | null}
 */
export function readOption(value) {
  if (!value) return null;
  try {
    return decodeURIComponent(value) || null;
  } catch {
    return null;
  }
}

/**
 * Whether a fragment (`location.hash`) is a payment return at all, before it is parsed.
 * @param {string} hash
 * @returns {boolean}
 */
export function isPaymentReturn(hash) {
  return hash.includes(`${FRAGMENT.payment}=`);
}

/**
 * The payment return in parsed fragment parameters: `{ result, order }`, or `null` unless the
 * result is `success` or `cancel` (`order` is `null` when absent).
 * @param {Params} params
 * @returns {{ result: Outcome, order: string | null } | null}
 */
export function readPaymentReturn(params) {
  const result = params.get(FRAGMENT.payment);
  const order = params.get(FRAGMENT.order);
  if (result !== FRAGMENT.success && result !== FRAGMENT.cancel) return null;
  return { result, order };
}

/**
 * Whether a fragment is a scan return at all, before it is parsed.
 * @param {string} hash
 * @returns {boolean}
 */
export function isScanReturn(hash) {
  return hash.includes(`${FRAGMENT.scan}=`);
}

/**
 * The scan return in parsed fragment parameters: `{ result: 'success', code }` (a non-empty code),
 * `{ result: 'cancel', code: null }`, or `null` when it is neither.
 * @param {Params} params
 * @returns {{ result: 'success', code: string } | { result: 'cancel', code: null } | null}
 */
export function readScanReturn(params) {
  const result = params.get(FRAGMENT.scan);
  const code = params.get(FRAGMENT.code);
  if (result === FRAGMENT.success && code) return { result, code };
  if (result === FRAGMENT.cancel) return { result, code: null };
  return null;
}
