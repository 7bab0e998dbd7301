// The web-view page: login, then the web app with `?session=` as www/bridge.js reads it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiError, backend, hostForTests, ticks, until } from './host.mjs';
import { address, takeSessionFromUrl, visit } from './browser.mjs';
import { webviewPageUrl } from '../../www/bridge-protocol.js';

const hosts = hostForTests();

/** A host with this backend (`table` for `backend`) and these other answers for the fake wx. */
function host(table = {}, answers = {}) {
  return hosts.start(table, answers);
}

test('first launch: wx.login, POST /session with the code, then the web app with ?session=, which the web app reads', async () => {
  const { host: h, calls, of } = host();
  const page = h.open('pages/webview/webview');
  assert.equal(page.data.src, '', 'no web-view before the session');
  await until(() => page.data.src, 'the web-view opened');
  assert.equal(page.data.src, `${hosts.config.WEB_APP_URL}?session=s_1`);
  assert.deepEqual(calls.map((c) => c.api), ['login', 'request']);
  assert.deepEqual(of('request')[0], {
    api: 'request', url: `${hosts.config.API_BASE}/session`, method: 'POST',
    header: { 'content-type': 'application/json' }, data: { login: 'code-1' },
  });
  visit(page.data.src);
  assert.equal(takeSessionFromUrl(), 's_1');
  assert.equal(address(), hosts.config.WEB_APP_URL, 'the session is gone from the address bar');
  assert.deepEqual(h.logged, []);
});

test('reopened with ?url= on the web app: that page, the fragment kept, the session added before it; no second login', async () => {
  const { host: h, of } = host();
  const first = h.open('pages/webview/webview');
  await until(() => first.data.src);
  const back = `${hosts.config.WEB_APP_URL}?step=pay#payment=success&order=o_1`;
  const page = h.open(webviewPageUrl(back));
  await until(() => page.data.src);
  assert.equal(page.data.src, `${hosts.config.WEB_APP_URL}?step=pay&session=s_1#payment=success&order=o_1`);
  assert.equal(of('login').length, 1);
  visit(page.data.src);
  assert.equal(takeSessionFromUrl(), 's_1');
  assert.equal(address(), `${hosts.config.WEB_APP_URL}?step=pay#payment=success&order=o_1`);
});

test('a ?url= elsewhere opens the start page instead, never the other site', async () => {
  const elsewhere = [
    'https://evil.example/#payment=success&order=o_1',
    `${hosts.config.WEB_APP_URL.replace(/\/$/, '')}.evil.example/`,
    `${hosts.config.WEB_APP_URL.replace(/\/$/, '')}@evil.example/`,
    hosts.config.WEB_APP_URL.replace('https:', 'http:'),
    'javascript:alert(1)',
    '%E4%BD',
  ];
  for (const url of elsewhere) {
    const { host: h } = host();
    const page = h.open(`/pages/webview/webview?url=${url.startsWith('%') ? url : encodeURIComponent(url)}`);
    await until(() => page.data.src);
    assert.equal(page.data.src, `${hosts.config.WEB_APP_URL}?session=s_1`, url);
  }
});

test('a login that fails says so, and 重试 logs in again', async () => {
  let n = 0;
  const { host: h } = host({}, { login: () => (++n === 1 ? { errMsg: 'login:fail timeout' } : { code: 'code-2' }) });
  const page = h.open('pages/webview/webview');
  await until(() => page.data.failed, 'the failure shown');
  assert.equal(page.data.src, '');
  assert.equal(page.data.messageZh, '微信登录失败，请重试。');
  assert.match(page.data.messageEn, /login:fail timeout/);
  page.retry();
  await until(() => page.data.src);
  assert.equal(page.data.src, `${hosts.config.WEB_APP_URL}?session=s_1`);
  assert.equal(page.data.failed, false);
});

test('the server\'s own error is shown; a network failure is net.unreachable; a session-less answer is refused', async () => {
  const refused = host({ '/session': () => apiError(400, 'request.invalid', '登录标识为空。', 'The login identity is empty.') });
  const a = refused.host.open('pages/webview/webview');
  await until(() => a.data.failed);
  assert.deepEqual([a.data.messageZh, a.data.messageEn], ['登录标识为空。', 'The login identity is empty.']);

  const offline = host({ '/session': () => ({ errMsg: 'request:fail timeout' }) });
  const b = offline.host.open('pages/webview/webview');
  await until(() => b.data.failed);
  assert.equal(b.data.messageEn, 'Network error: check the connection and try again.');

  const odd = host({ '/session': () => ({ statusCode: 201, data: { token: 'x' } }) });
  const c = odd.host.open('pages/webview/webview');
  await until(() => c.data.failed);
  assert.match(c.data.messageEn, /not understood/);
  assert.equal(c.data.src, '');
});

test('two pages opening at once share one login', async () => {
  const { host: h, of } = host();
  const a = h.open('pages/webview/webview');
  const b = h.open(webviewPageUrl(`${hosts.config.WEB_APP_URL}#x`));
  await until(() => a.data.src && b.data.src);
  assert.equal(of('login').length, 1);
  assert.equal(b.data.src, `${hosts.config.WEB_APP_URL}?session=s_1#x`);
});

test('重试 does nothing while the page is not failed', async () => {
  const { host: h, of } = host();
  const page = h.open('pages/webview/webview');
  page.retry();
  await until(() => page.data.src);
  await ticks();
  assert.equal(of('login').length, 1);
});
