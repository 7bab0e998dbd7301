// The contract itself (www/bridge-protocol.js): one definition on both sides, the host's pages as
// it names them, and each URL built by one side read back by the other to the same values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hostDir, root } from './host.mjs';
import {
  FRAGMENT, HOST_PAGES, QUERY, isPaymentReturn, isScanReturn, payPageUrl, paymentReturnUrl, readOption,
  readPaymentReturn, readScanReturn, scanPageUrl, scanReturnUrl, webviewPageUrl, withSession,
} from '../../www/bridge-protocol.js';

const hash = (url) => new URLSearchParams(new URL(url).hash.slice(1));

test('the host carries an identical copy of www/bridge-protocol.js', () => {
  const web = readFileSync(path.join(root, 'www', 'bridge-protocol.js'), 'utf8');
  const host = readFileSync(path.join(hostDir, 'protocol.js'), 'utf8');
  assert.ok(web === host, 'miniprogram/protocol.js differs from www/bridge-protocol.js: run `cp www/bridge-protocol.js miniprogram/protocol.js`');
});

test('app.json registers exactly the pages the protocol names, the web-view page first, each with its files', () => {
  const app = JSON.parse(readFileSync(path.join(hostDir, 'app.json'), 'utf8'));
  assert.deepEqual(app.pages, [HOST_PAGES.webview, HOST_PAGES.pay, HOST_PAGES.scan].map((p) => p.slice(1)));
  for (const page of app.pages) {
    for (const ext of ['ts', 'wxml', 'json']) assert.ok(existsSync(path.join(hostDir, `${page}.${ext}`)), `${page}.${ext}`);
  }
});

test('every handler a page\'s WXML binds is a method of that page', () => {
  for (const page of Object.values(HOST_PAGES)) {
    const wxml = readFileSync(path.join(hostDir, `${page}.wxml`), 'utf8');
    const source = readFileSync(path.join(hostDir, `${page}.ts`), 'utf8');
    for (const [, handler] of wxml.matchAll(/bind\w+="(\w+)"/g)) {
      assert.match(source, new RegExp(`^  (async )?${handler}\\(`, 'm'), `${page}: ${handler}`);
    }
  }
});

test('the exact strings on the wire', () => {
  assert.deepEqual({ ...HOST_PAGES }, { webview: '/pages/webview/webview', pay: '/pages/pay/pay', scan: '/pages/scan/scan' });
  assert.equal(payPageUrl('o_1', 'https://a.example/x?y=1'), '/pages/pay/pay?order=o_1&return=https%3A%2F%2Fa.example%2Fx%3Fy%3D1');
  assert.equal(scanPageUrl('https://a.example/'), '/pages/scan/scan?return=https%3A%2F%2Fa.example%2F');
  assert.equal(webviewPageUrl('https://a.example/#payment=success&order=o_1'), '/pages/webview/webview?url=https%3A%2F%2Fa.example%2F%23payment%3Dsuccess%26order%3Do_1');
  assert.equal(paymentReturnUrl('https://a.example/p', 'success', 'o_1'), 'https://a.example/p#payment=success&order=o_1');
  assert.equal(paymentReturnUrl('https://a.example/p', 'cancel', 'o_1'), 'https://a.example/p#payment=cancel&order=o_1');
  assert.equal(scanReturnUrl('https://a.example/p', 'GP1'), 'https://a.example/p#scan=success&code=GP1');
  assert.equal(scanReturnUrl('https://a.example/p', null), 'https://a.example/p#scan=cancel');
  assert.equal(withSession('https://a.example/', 's_1'), 'https://a.example/?session=s_1');
});

test('payPageUrl is the URL bridge.js built before the protocol module, for any order and page', () => {
  const before = (order, returnUrl) => `/pages/pay/pay?order=${encodeURIComponent(order)}&return=${encodeURIComponent(returnUrl)}`;
  for (const [order, returnUrl] of [['o_0123456789abcdef', 'https://a.example/'], ['o&x=1#y', 'https://a.example/p?q=国家开放大学&z=%20+'], ['', '']]) {
    assert.equal(payPageUrl(order, returnUrl), before(order, returnUrl));
  }
});

test('readPaymentReturn reads every fragment as bridge.js did before the protocol module', () => {
  const before = (h) => {
    if (!h.includes('payment=')) return null;
    const params = new URLSearchParams(h.slice(1));
    const result = params.get('payment');
    const order = params.get('order');
    if (result !== 'success' && result !== 'cancel') return null;
    return { result, order };
  };
  const now = (h) => (isPaymentReturn(h) ? readPaymentReturn(new URLSearchParams(h.slice(1))) : null);
  for (const h of ['', '#', '#x=1', '#payment=success&order=o_1', '#payment=cancel&order=o_1', '#payment=cancel',
    '#payment=failed&order=o_1', '#order=o_1&payment=success', '#payment=success&payment=cancel&order=a&order=b',
    '#payment=success&order=o%261+2', '#xpayment=success', '#payment=', '#payment=SUCCESS&order=o']) {
    assert.deepEqual(now(h), before(h), h);
  }
});

test('a payment return, built by the host and read by the web-view, gives back the order whatever it holds', () => {
  for (const order of ['o_1', 'o&payment=cancel#x', '订单 1+1=2', '%41']) {
    for (const result of ['success', 'cancel']) {
      const url = paymentReturnUrl('https://a.example/p?step=pay#old=1', result, order);
      assert.ok(isPaymentReturn(new URL(url).hash));
      assert.deepEqual(readPaymentReturn(hash(url)), { result, order });
      assert.equal(new URL(url).search, '?step=pay', 'the page itself is unchanged');
    }
  }
  assert.throws(() => paymentReturnUrl('https://a.example/', 'failed', 'o_1'), TypeError);
});

test('a scan return, built by the host and read by the web-view, gives back the code or the cancel', () => {
  for (const code of ['GP1-2026-000001', 'a&scan=cancel#b=c', '图像采集码 +%20', 'x'.repeat(900)]) {
    const url = scanReturnUrl('https://a.example/p#scan=old', code);
    assert.ok(isScanReturn(new URL(url).hash));
    assert.deepEqual(readScanReturn(hash(url)), { result: 'success', code });
  }
  assert.deepEqual(readScanReturn(hash(scanReturnUrl('https://a.example/', null))), { result: 'cancel', code: null });
  assert.equal(readScanReturn(new URLSearchParams('scan=success')), null, 'a success without a code');
  assert.equal(readScanReturn(new URLSearchParams('scan=other&code=x')), null);
  assert.equal(isScanReturn('#payment=success'), false);
});

test('withSession puts the session before the fragment, keeps the rest, and replaces an older one', () => {
  const cases = [
    ['https://a.example/', 's_1', 'https://a.example/?session=s_1'],
    ['https://a.example/p?x=1', 's_1', 'https://a.example/p?x=1&session=s_1'],
    ['https://a.example/p?x=1#payment=success&order=o_1', 's_1', 'https://a.example/p?x=1&session=s_1#payment=success&order=o_1'],
    ['https://a.example/p?session=old&x=1&session=older', 's_2', 'https://a.example/p?x=1&session=s_2'],
    ['https://a.example/p?&x=1&', 's_1', 'https://a.example/p?x=1&session=s_1'],
    ['https://a.example/p?%73ession=old', 's_1', 'https://a.example/p?session=s_1'],
    ['https://a.example/p?sessions=1', 's_1', 'https://a.example/p?sessions=1&session=s_1'],
  ];
  for (const [url, session, want] of cases) assert.equal(withSession(url, session), want, url);
  for (const session of ['s_0123456789abcdef0123456789abcdef', 'a+b c&d=e#f', '会话']) {
    const url = new URL(withSession('https://a.example/p?x=1#payment=cancel&order=o', session));
    assert.equal(url.searchParams.get(QUERY.session), session);
    assert.equal(url.searchParams.get('x'), '1');
    assert.deepEqual(readPaymentReturn(new URLSearchParams(url.hash.slice(1))), { result: 'cancel', order: 'o' });
  }
});

test('readOption decodes a page option once; missing, empty or malformed is null', () => {
  assert.equal(readOption(undefined), null);
  assert.equal(readOption(''), null);
  assert.equal(readOption('%E4%BD'), null);
  assert.equal(readOption('o_1'), 'o_1');
  assert.equal(readOption(encodeURIComponent('https://a.example/p?x=%41#h')), 'https://a.example/p?x=%41#h');
});

test('fragment keys and values are the ones the constants say', () => {
  assert.deepEqual({ ...FRAGMENT }, { payment: 'payment', order: 'order', scan: 'scan', code: 'code', success: 'success', cancel: 'cancel' });
  assert.deepEqual({ ...QUERY }, { session: 'session', order: 'order', return: 'return', url: 'url' });
  assert.ok(Object.isFrozen(HOST_PAGES) && Object.isFrozen(QUERY) && Object.isFrozen(FRAGMENT));
});
