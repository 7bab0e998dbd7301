// The host as a template for another backend: with no login hand-off (config.ts, LOGIN_PATH
// null) the web-view opens the web app as it is, no demo `POST /session` is made, and the pay page
// sends a fresh login code instead of a session.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostForTests, until } from './host.mjs';

const hosts = hostForTests({ config: { LOGIN_PATH: null } });
const ORDER = 'o_123';

test('no hand-off: the web app opens without ?session= and the host makes no request', async () => {
  const { host: h, calls } = hosts.start();
  const page = h.open('pages/webview/webview');
  await until(() => page.data.src, 'the web-view opened');
  assert.equal(page.data.src, hosts.config.WEB_APP_URL);
  assert.deepEqual(calls, []);
  // Reopened after paying: the result fragment kept, still no session and no login.
  const back = h.open(`/pages/webview/webview?url=${encodeURIComponent(`${hosts.config.WEB_APP_URL}#payment=success&order=${ORDER}`)}`);
  await until(() => back.data.src);
  assert.equal(back.data.src, `${hosts.config.WEB_APP_URL}#payment=success&order=${ORDER}`);
  assert.deepEqual(calls, []);
});

test('no hand-off: the payment arguments are asked for with a login code, no Authorization', async () => {
  const path = hosts.config.WECHAT_PAY_PARAMS_PATH.replace('{order}', ORDER);
  const params = { timeStamp: '1700000000', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 'sig' };
  const { host: h, of } = hosts.start({ [path]: () => ({ statusCode: 200, data: params }) });
  h.open(`/pages/pay/pay?order=${ORDER}&return=${encodeURIComponent(hosts.config.WEB_APP_URL)}`);
  await until(() => of('reLaunch').length === 1, 'back to the web app');
  const [request] = of('request');
  assert.equal(request.url, hosts.config.API_BASE + path);
  assert.deepEqual(request.header, { 'content-type': 'application/json' });
  assert.deepEqual(request.data, { login: 'code-1' });
  assert.deepEqual(of('requestPayment')[0].params, params);
  assert.equal(of('request').filter((c) => c.url.endsWith('/session')).length, 0);
});
