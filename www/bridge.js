// The mini-program bridge. Inside a WeChat mini-program's web-view (the user agent says
// `miniProgram`, or `window.__wxjs_environment === 'miniprogram'` once WeChat's bridge is ready),
// login, payment and scanning belong to the host: the session arrives as `?session=` on the page
// URL, payment goes to the host's pay page and comes back as `#payment=success|cancel&order=…` on
// this page's URL, and the QR scanner is the host's where it works (else the camera scanner).
// `wx.miniProgram` comes from WeChat's JSSDK, loaded by `initBridge()` in the web-view only: a plain
// browser never fetches it and uses the sandbox login and cashier of the API instead.
// The page paths, query names and fragment keys are the host's contract, in `bridge-protocol.js`
// (the mini-program host in `miniprogram/` uses a copy of the same file).

import { QUERY, isPaymentReturn, isScanReturn, payPageUrl, readPaymentReturn, readScanReturn, scanPageUrl } from './bridge-protocol.js';

const JSSDK = 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js';

const hostError = (code, zh, en) => ({ code, message_zh: zh, message_en: en });

/**
 * Host mode: the user agent says `miniProgram` (any case), or WeChat's bridge says so (it sets
 * `__wxjs_environment` once ready: await `initBridge()` before relying on this).
 */
export function isMiniProgram() {
  return window.__wxjs_environment === 'miniprogram' || /miniprogram/i.test(navigator.userAgent ?? '');
}

function loadScript(src, timeoutMs) {
  return new Promise((ok) => {
    const script = document.createElement('script');
    const timer = setTimeout(() => ok(false), timeoutMs);
    script.src = src;
    script.async = true;
    script.onload = () => { clearTimeout(timer); ok(true); };
    script.onerror = () => { clearTimeout(timer); ok(false); };
    document.head.append(script);
  });
}

function bridgeReady(timeoutMs) {
  if (window.WeixinJSBridge?.invoke) return Promise.resolve(true);
  return new Promise((ok) => {
    const done = (v) => { clearTimeout(timer); document.removeEventListener('WeixinJSBridgeReady', ready); ok(v); };
    const ready = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    document.addEventListener('WeixinJSBridgeReady', ready, false);
  });
}

let initialised = null;
/**
 * In a mini-program web-view: load the JSSDK (for `wx.miniProgram`) and wait for WeChat's
 * `WeixinJSBridgeReady` (at most `timeoutMs` each), then resolve to the host mode. Elsewhere it
 * loads nothing and resolves at once. Never rejects: without the SDK, host calls fail typed.
 */
export function initBridge({ timeoutMs = 5000 } = {}) {
  initialised ??= (async () => {
    if (!isMiniProgram()) return false;
    const sdk = window.wx?.miniProgram ? Promise.resolve(true) : loadScript(JSSDK, timeoutMs);
    await Promise.all([sdk, bridgeReady(timeoutMs)]);
    return isMiniProgram();
  })();
  return initialised;
}

/** The session handed over by the host as `?session=…`, removed from the address bar. */
export function takeSessionFromUrl() {
  const url = new URL(location.href);
  const session = url.searchParams.get(QUERY.session);
  if (!session) return null;
  url.searchParams.delete(QUERY.session);
  history.replaceState(null, '', url.href);
  return session;
}

/** A host's result in the fragment (`is` recognises it, `read` parses it), removed from the address bar. */
function takeReturn(is, read) {
  if (!is(location.hash)) return null;
  const back = read(new URLSearchParams(location.hash.slice(1)));
  history.replaceState(null, '', location.pathname + location.search);
  return back;
}

/** The host's payment result `#payment=success|cancel&order=…`, removed from the address bar. */
export const takePaymentReturn = () => takeReturn(isPaymentReturn, readPaymentReturn);

/** The host's scan result `#scan=success&code=…` or `#scan=cancel`, removed from the address bar. */
export const takeScanReturn = () => takeReturn(isScanReturn, readScanReturn);

/**
 * `wx.miniProgram.navigateTo(url)` as a promise. Without the JSSDK it rejects `host.unavailable`
 * with the `unavailable` words; a refused navigation rejects with `failed` (code, zh, en of why).
 */
function openHostPage(url, { unavailable, failed }) {
  return new Promise((resolve, reject) => {
    const navigateTo = window.wx?.miniProgram?.navigateTo;
    if (typeof navigateTo !== 'function') {
      reject(hostError('host.unavailable', ...unavailable));
      return;
    }
    const fail = (why) => reject(hostError(failed[0], failed[1], failed[2](why ?? 'unknown')));
    try {
      navigateTo.call(window.wx.miniProgram, { url, success: () => resolve(), fail: (e) => fail(e?.errMsg) });
    } catch (e) {
      fail(e?.message);
    }
  });
}

/**
 * Scan with the mini-program's own scanner page (`wx.scanCode`, which every mini-program has,
 * where the web-view's JSSDK scanner is refused). The page is left; the host comes back to
 * `returnUrl` with the code in the hash (`takeScanReturn`).
 */
export function scanPageInHost(returnUrl = location.origin + location.pathname + location.search) {
  return openHostPage(scanPageUrl(returnUrl), {
    unavailable: ['无法打开扫码页面，改用相机扫码。', 'Could not open the scan page; scanning with the camera instead.'],
    failed: ['qr.host_unavailable', '无法打开扫码页面，改用相机扫码。', (why) => `Could not open the scan page (${why}); scanning with the camera instead.`],
  });
}

/**
 * Hand the payment of `order` to the mini-program's pay page. The page is left; the host comes
 * back to `returnUrl` with the result in the hash.
 */
export function payInHost(order, returnUrl = location.origin + location.pathname + location.search) {
  return openHostPage(payPageUrl(order, returnUrl), {
    unavailable: ['无法打开小程序支付页面（微信接口未加载），请重新支付或取消后重试。', 'Could not open the mini-program’s payment page (the WeChat interface did not load): pay again, or cancel and retry.'],
    failed: ['host.pay_failed', '无法打开支付页面，请重试。', (why) => `Could not open the payment page (${why}); please try again.`],
  });
}

/**
 * Whether to try the host's scanner first: the JSSDK's `wx.scanQRCode` (in a web-view it may still
 * be refused without `wx.config`: `scanInHost` then fails with `qr.host_unavailable` and the shell
 * scans with the camera). `wx.scanCode` is a mini-program API, not a web-view one: not used.
 */
export function hostCanScan() {
  return isMiniProgram() && typeof window.wx?.scanQRCode === 'function';
}

/**
 * Scan a QR code with the host's scanner; resolves to its text. The user's cancel is
 * `qr.cancelled`; anything else (no permission, no scanner) is `qr.host_unavailable`.
 */
export function scanInHost() {
  return new Promise((resolve, reject) => {
    const unavailable = (e) => reject(hostError('qr.host_unavailable', '无法使用微信扫码，改用相机扫码。', `The WeChat scanner is unavailable (${e?.errMsg ?? e?.message ?? 'unknown'}); scanning with the camera instead.`));
    const cancel = () => reject(hostError('qr.cancelled', '已取消扫码。', 'Scanning cancelled.'));
    try {
      window.wx.scanQRCode({ needResult: 1, scanType: ['qrCode'], success: (r) => resolve(r.resultStr), fail: unavailable, cancel });
    } catch (e) {
      unavailable(e);
    }
  });
}
