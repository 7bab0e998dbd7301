// The mini-program bridge. Inside a WeChat mini-program's web-view (`window.__wxjs_environment ===
// 'miniprogram'`, or the JSSDK's `wx.miniProgram`), login, payment and scanning belong to the host:
// the session arrives as `?session=` on the page URL, payment goes to the host's pay page and comes
// back as `#payment=success|cancel&order=…` on this page's URL, and the QR scanner is the host's.
// In a plain browser the page uses the sandbox login and cashier of the API instead.

export function isMiniProgram() {
  return window.__wxjs_environment === 'miniprogram' || Boolean(window.wx?.miniProgram && navigator.userAgent.includes('miniProgram'));
}

/** The session handed over by the host as `?session=…`, removed from the address bar. */
export function takeSessionFromUrl() {
  const url = new URL(location.href);
  const session = url.searchParams.get('session');
  if (!session) return null;
  url.searchParams.delete('session');
  history.replaceState(null, '', url.href);
  return session;
}

/** The host's payment result `#payment=success|cancel&order=…`, removed from the address bar. */
export function takePaymentReturn() {
  if (!location.hash.includes('payment=')) return null;
  const params = new URLSearchParams(location.hash.slice(1));
  const result = params.get('payment');
  const order = params.get('order');
  history.replaceState(null, '', location.pathname + location.search);
  if (result !== 'success' && result !== 'cancel') return null;
  return { result, order };
}

/**
 * Hand the payment of `order` to the mini-program's pay page. The page is left; the host comes
 * back to `returnUrl` with the result in the hash.
 */
export function payInHost(order, returnUrl = location.origin + location.pathname + location.search) {
  const url = `/pages/pay/pay?order=${encodeURIComponent(order)}&return=${encodeURIComponent(returnUrl)}`;
  return new Promise((resolve, reject) => {
    window.wx.miniProgram.navigateTo({
      url,
      success: () => resolve(),
      fail: (e) => reject({ code: 'host.pay_failed', message_zh: '无法打开支付页面，请重试。', message_en: `Could not open the payment page (${e?.errMsg ?? 'unknown'}); please try again.` }),
    });
  });
}

/** Whether the host offers its own QR scanner. */
export function hostCanScan() {
  return typeof window.wx?.scanQRCode === 'function' || typeof window.wx?.scanCode === 'function';
}

/** Scan a QR code with the host's scanner; resolves to its text. */
export function scanInHost() {
  return new Promise((resolve, reject) => {
    const fail = (e) => reject({ code: 'qr.scan_failed', message_zh: '扫码未完成，可从相册选择采集码截图。', message_en: `Scanning did not finish (${e?.errMsg ?? 'cancelled'}); you can pick the code's screenshot from the album.` });
    if (typeof window.wx.scanQRCode === 'function') {
      window.wx.scanQRCode({ needResult: 1, scanType: ['qrCode'], success: (r) => resolve(r.resultStr), fail, cancel: fail });
    } else {
      window.wx.scanCode({ onlyFromCamera: false, scanType: ['qrCode'], success: (r) => resolve(r.result), fail });
    }
  });
}
