// The pay page: from the web app's navigateTo (www/bridge.js, payInHost) through the backend's
// payment arguments and wx.requestPayment, back to the web app with `#payment=…`, read by bridge.js.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiError, backend, hostForTests, optionsOf, ticks, until } from './host.mjs';
import { address, hostNavigation, payInHost, takePaymentReturn, takeSessionFromUrl, visit } from './browser.mjs';

const hosts = hostForTests();

const ORDER = 'o_0123456789abcdef0123456789abcdef';
const PARAMS = { timeStamp: '1767225600', nonceStr: 'n0nce', package: 'prepay_id=wx2026', signType: 'RSA', paySign: 'c2lnbg==' };
const paramsPath = (order) => hosts.config.WECHAT_PAY_PARAMS_PATH.replace('{order}', encodeURIComponent(order));

/** A host whose backend hands out sessions and, for ORDER, the payment arguments (`table` overrides). */
function host(table = {}, answers = {}) {
  return hosts.start({ [paramsPath(ORDER)]: () => ({ statusCode: 200, data: PARAMS }), ...table }, answers);
}

/** The web app at `page` asks the host to pay `order`: the pay page URL it navigates to. */
async function webAppPays(page, order = ORDER) {
  visit(page);
  const opened = hostNavigation();
  await payInHost(order);
  return opened;
}

/** After the host's reLaunch: the web-view page it opened, once it shows the web app. */
async function reopened(h, of) {
  await until(() => of('reLaunch').length === 1, 'the web app reopened');
  const page = h.open(of('reLaunch')[0].url);
  await until(() => page.data.src, 'the web-view address');
  return page;
}

test('paid: the arguments fetched with the session, the cashier, and the web app reads #payment=success with its order', async () => {
  const { host: h, of, calls } = host();
  const payUrl = await webAppPays(`${hosts.config.WEB_APP_URL}?step=pay`);
  assert.equal(payUrl, `/pages/pay/pay?order=${ORDER}&return=${encodeURIComponent(`${hosts.config.WEB_APP_URL}?step=pay`)}`);

  const pay = h.open(payUrl);
  assert.equal(pay.data.state, 'paying');
  await until(() => of('reLaunch').length === 1);
  assert.deepEqual(calls.map((c) => c.api), ['login', 'request', 'request', 'requestPayment', 'reLaunch']);
  assert.deepEqual(of('request')[1], {
    api: 'request', url: `${hosts.config.API_BASE}${paramsPath(ORDER)}`, method: 'POST',
    header: { 'content-type': 'application/json', authorization: 'Bearer s_1' }, data: {},
  });
  assert.deepEqual(of('requestPayment')[0].params, PARAMS);
  const back = `${hosts.config.WEB_APP_URL}?step=pay#payment=success&order=${ORDER}`;
  assert.equal(of('reLaunch')[0].url, `/pages/webview/webview?url=${encodeURIComponent(back)}`);

  const webview = await reopened(h, of);
  assert.equal(webview.data.src, `${hosts.config.WEB_APP_URL}?step=pay&session=s_1#payment=success&order=${ORDER}`);
  assert.equal(of('login').length, 1, 'the session is kept, not a new login');
  visit(webview.data.src);
  assert.equal(takeSessionFromUrl(), 's_1');
  assert.deepEqual(takePaymentReturn(), { result: 'success', order: ORDER });
  assert.equal(address(), `${hosts.config.WEB_APP_URL}?step=pay`, 'the address bar is the page again');
  assert.deepEqual(h.logged, []);
});

test('cancelled in the cashier: back at once with #payment=cancel', async () => {
  for (const errMsg of ['requestPayment:fail cancel', 'requestPayment:cancel']) {
    const { host: h, of } = host({}, { requestPayment: () => ({ errMsg }) });
    const pay = h.open(await webAppPays(hosts.config.WEB_APP_URL));
    const webview = await reopened(h, of);
    assert.equal(pay.data.state, 'paying', 'no failure shown for a cancel');
    assert.equal(webview.data.src, `${hosts.config.WEB_APP_URL}?session=s_1#payment=cancel&order=${ORDER}`);
    visit(webview.data.src);
    takeSessionFromUrl();
    assert.deepEqual(takePaymentReturn(), { result: 'cancel', order: ORDER });
  }
});

test('the cashier fails: the page stays with 重试 and 返回; 重试 pays again and goes back as a success', async () => {
  let n = 0;
  const { host: h, of } = host({}, { requestPayment: () => (++n === 1 ? { errMsg: 'requestPayment:fail (detail message)' } : {}) });
  const pay = h.open(await webAppPays(hosts.config.WEB_APP_URL));
  await until(() => pay.data.state === 'failed');
  assert.equal(pay.data.canRetry, true);
  assert.equal(pay.data.messageZh, '支付未完成，请重试。');
  assert.match(pay.data.messageEn, /requestPayment:fail \(detail message\)/);
  await ticks();
  assert.equal(of('reLaunch').length, 0);
  pay.retry();
  assert.equal(pay.data.state, 'paying');
  const webview = await reopened(h, of);
  assert.equal(of('requestPayment').length, 2);
  assert.equal(webview.data.src, `${hosts.config.WEB_APP_URL}?session=s_1#payment=success&order=${ORDER}`);
});

test('the cashier fails, then 返回: the web app hears a cancel, once however often it is tapped', async () => {
  const { host: h, of } = host({}, { requestPayment: () => ({ errMsg: 'requestPayment:fail system error' }) });
  const pay = h.open(await webAppPays(hosts.config.WEB_APP_URL));
  await until(() => pay.data.state === 'failed');
  pay.back();
  pay.back();
  pay.retry();
  const webview = await reopened(h, of);
  await ticks();
  assert.equal(of('reLaunch').length, 1);
  assert.equal(of('requestPayment').length, 1);
  assert.equal(webview.data.src, `${hosts.config.WEB_APP_URL}?session=s_1#payment=cancel&order=${ORDER}`);
});

test('no payment arguments (the sandbox has no such call): the server\'s words, no cashier; 返回 is a cancel', async () => {
  const { host: h, of } = host({ [paramsPath(ORDER)]: () => apiError(404, 'request.not_found', '没有这个接口。', 'No such API call.') });
  const pay = h.open(await webAppPays(hosts.config.WEB_APP_URL));
  await until(() => pay.data.state === 'failed');
  assert.deepEqual([pay.data.messageZh, pay.data.messageEn, pay.data.canRetry], ['没有这个接口。', 'No such API call.', true]);
  assert.equal(of('requestPayment').length, 0);
  pay.back();
  const webview = await reopened(h, of);
  visit(webview.data.src);
  assert.deepEqual(takePaymentReturn(), { result: 'cancel', order: ORDER });
});

test('payment arguments that are not what wx.requestPayment needs are refused before the cashier', async () => {
  for (const broken of [{ ...PARAMS, paySign: '' }, { ...PARAMS, signType: 'SHA1' }, { ...PARAMS, timeStamp: 1767225600 }, null, 'prepay_id=x']) {
    const { host: h, of } = host({ [paramsPath(ORDER)]: () => ({ statusCode: 200, data: broken }) });
    const pay = h.open(await webAppPays(hosts.config.WEB_APP_URL));
    await until(() => pay.data.state === 'failed');
    assert.match(pay.data.messageEn, /not understood/, JSON.stringify(broken));
    assert.equal(of('requestPayment').length, 0);
  }
});

test('a session the server ended (401) is replaced by a new login, once', async () => {
  const { host: h, of } = host({
    [paramsPath(ORDER)]: (call) => (call.header.authorization === 'Bearer s_1'
      ? apiError(401, 'auth.required', '登录已失效，请重新登录。', 'The session is missing or has expired: sign in again.')
      : { statusCode: 200, data: PARAMS }),
  });
  h.open(await webAppPays(hosts.config.WEB_APP_URL));
  const webview = await reopened(h, of);
  assert.equal(of('login').length, 2);
  assert.deepEqual(of('request').map((c) => c.header.authorization ?? null), [null, 'Bearer s_1', null, 'Bearer s_2']);
  assert.equal(webview.data.src, `${hosts.config.WEB_APP_URL}?session=s_2#payment=success&order=${ORDER}`);
});

test('an order id with URL characters reaches the backend and comes back unchanged', async () => {
  const order = 'o/1&payment=cancel#x y';
  const { host: h, of } = host({ [paramsPath(order)]: () => ({ statusCode: 200, data: PARAMS }) });
  h.open(await webAppPays(hosts.config.WEB_APP_URL, order));
  const webview = await reopened(h, of);
  assert.equal(of('request')[1].url, hosts.config.API_BASE + hosts.config.WECHAT_PAY_PARAMS_PATH.replace('{order}', 'o%2F1%26payment%3Dcancel%23x%20y'));
  visit(webview.data.src);
  assert.deepEqual(takePaymentReturn(), { result: 'success', order });
});

test('no order: nothing to pay, no retry; 返回 goes back with an empty order', async () => {
  const { host: h, of } = host();
  const pay = h.open(`/pages/pay/pay?return=${encodeURIComponent(hosts.config.WEB_APP_URL)}`);
  assert.deepEqual([pay.data.state, pay.data.canRetry], ['failed', false]);
  pay.retry();
  pay.back();
  const webview = await reopened(h, of);
  assert.equal(of('requestPayment').length, 0);
  visit(webview.data.src);
  assert.deepEqual(takePaymentReturn(), { result: 'cancel', order: '' });
});

test('a return URL elsewhere: the result goes to the web app\'s start page, not there', async () => {
  const { host: h, of } = host();
  h.open(`/pages/pay/pay?order=${ORDER}&return=${encodeURIComponent('https://evil.example/steal')}`);
  const webview = await reopened(h, of);
  assert.equal(webview.data.src, `${hosts.config.WEB_APP_URL}?session=s_1#payment=success&order=${ORDER}`);
});

test('paid, but the way back fails: no second cashier; 返回 tries again and still says success', async () => {
  let n = 0;
  const { host: h, of } = host({}, { reLaunch: () => (++n === 1 ? { errMsg: 'reLaunch:fail timeout' } : {}) });
  const pay = h.open(await webAppPays(hosts.config.WEB_APP_URL));
  await until(() => pay.data.state === 'failed');
  assert.equal(pay.data.canRetry, false);
  assert.match(pay.data.messageEn, /reLaunch:fail timeout/);
  pay.retry();
  await ticks();
  assert.equal(of('requestPayment').length, 1);
  pay.back();
  await until(() => of('reLaunch').length === 2);
  assert.equal(of('reLaunch')[1].url, of('reLaunch')[0].url);
  assert.match(decodeURIComponent(of('reLaunch')[1].url), /#payment=success&order=/);
});

test('the options as WeChat passes them: values still percent-encoded', () => {
  assert.deepEqual(optionsOf('/pages/pay/pay?order=o%261&return=https%3A%2F%2Fa.example%2F'), { order: 'o%261', return: 'https%3A%2F%2Fa.example%2F' });
});
