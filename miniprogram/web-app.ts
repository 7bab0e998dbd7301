// Going back to the web app from a host page.

import { WEB_APP_URL } from './config';
import { webviewPageUrl } from './protocol';
import { errMsg, hostError } from './errors';

/** `https://host[:port]` of an absolute HTTPS URL, lower-cased; null for anything else. */
function origin(url: string): string | null {
  const m = /^https:\/\/[^/?#\\@]+(?=[/?#]|$)/i.exec(url);
  return m ? m[0].toLowerCase() : null;
}

/**
 * Whether `url` is on the web app's origin (config.ts, WEB_APP_URL). A host page only ever opens
 * such a URL: the `return` and `url` it is given come through query strings anyone can write, and a
 * payment result or a scanned code must not be handed to another site.
 */
export function isWebAppUrl(url: string): boolean {
  const own = origin(WEB_APP_URL);
  return own !== null && origin(url) === own;
}

/** `url` when it is the web app's, else the web app's start page. */
export function webAppUrlOr(url: string | null): string {
  return url !== null && isWebAppUrl(url) ? url : WEB_APP_URL;
}

/**
 * Close every host page and open `url` in a fresh web-view page, which adds the session. A fresh
 * page rather than `navigateBack`: a web-view's address can only be set by its own page, and a new
 * load is what the web app reads its `#payment=` or `#scan=` fragment from (it restores its flow
 * from its own storage, so nothing is lost by the reload).
 */
export function reopenWebApp(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.reLaunch({
      url: webviewPageUrl(url),
      success: () => resolve(),
      fail: (e) => reject(hostError('host.reopen_failed', '无法返回采集页面，请重试。', `Could not go back to the collection page (${errMsg(e)}); please try again.`)),
    });
  });
}
