// The web app's side, as the web-view runs it: `www/bridge.js` itself, with the few browser
// globals it touches (`location`, `history`, `window.wx.miniProgram`) faked on Node's globals.

let current = null;

globalThis.location = {
  get href() { return current.href; },
  get origin() { return current.origin; },
  get pathname() { return current.pathname; },
  get search() { return current.search; },
  get hash() { return current.hash; },
};
globalThis.history = { replaceState: (_state, _title, url) => { current = new URL(url, current); } };
globalThis.window = { wx: undefined };

/** Load `url` in the fake web-view. */
export function visit(url) {
  current = new URL(url);
}

/** The address bar now. */
export const address = () => current.href;

/**
 * `wx.miniProgram.navigateTo` as the JSSDK gives it in a web-view; resolves to the URL it was
 * asked to open.
 */
export function hostNavigation() {
  let opened;
  const navigated = new Promise((ok) => { opened = ok; });
  window.wx = { miniProgram: { navigateTo: ({ url, success }) => { opened(url); setImmediate(() => success?.({ errMsg: 'navigateTo:ok' })); } } };
  return navigated;
}

export * from '../../www/bridge.js';
