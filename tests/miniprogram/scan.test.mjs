// The scan page: wx.scanCode, and back to the web app with `#scan=…`, read with the protocol's
// reader as the web-view parses it. www/bridge.js opens it (`scanPageInHost`) where the web-view's
// JSSDK scanner is refused, and reads the return with `takeScanReturn`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostForTests, ticks, until } from './host.mjs';
import { address, hostNavigation, scanPageInHost, takeScanReturn, takeSessionFromUrl, visit } from './browser.mjs';
import { isScanReturn, readScanReturn, scanPageUrl } from '../../www/bridge-protocol.js';

const hosts = hostForTests();

function host(answers = {}) {
  return hosts.start({}, answers);
}

/** What the web app reads from the reopened web-view: the session, then the scan's fragment. */
async function webAppReads(h, of) {
  await until(() => of('reLaunch').length === 1, 'the web app reopened');
  const page = h.open(of('reLaunch')[0].url);
  await until(() => page.data.src, 'the web-view address');
  visit(page.data.src);
  const session = takeSessionFromUrl();
  const hash = new URL(address()).hash;
  return { src: page.data.src, session, isScan: isScanReturn(hash), scan: readScanReturn(new URLSearchParams(hash.slice(1))) };
}

test('scanned: the code goes back as #scan=success&code=…, exactly as scanned', async () => {
  const code = 'GP1-2026-000001';
  const { host: h, of } = host({ scanCode: () => ({ result: code }) });
  const scan = h.open(scanPageUrl(`${hosts.config.WEB_APP_URL}?step=code`));
  assert.equal(scan.data.state, 'scanning');
  await until(() => of('reLaunch').length === 1);
  assert.deepEqual(of('scanCode')[0].options, { onlyFromCamera: false, scanType: ['qrCode'] });
  const back = `${hosts.config.WEB_APP_URL}?step=code#scan=success&code=${code}`;
  assert.equal(of('reLaunch')[0].url, `/pages/webview/webview?url=${encodeURIComponent(back)}`);
  const read = await webAppReads(h, of);
  assert.equal(read.src, `${hosts.config.WEB_APP_URL}?step=code&session=s_1#scan=success&code=${code}`);
  assert.deepEqual(read, { src: read.src, session: 's_1', isScan: true, scan: { result: 'success', code } });
  assert.deepEqual(h.logged, []);
});

test('a code with URL characters and Chinese comes back unchanged', async () => {
  const code = 'ABC+/=&scan=cancel#x 图像采集码%41';
  const { host: h, of } = host({ scanCode: () => ({ result: code }) });
  h.open(scanPageUrl(hosts.config.WEB_APP_URL));
  const read = await webAppReads(h, of);
  assert.deepEqual(read.scan, { result: 'success', code });
});

test('cancelled in the scanner: back at once with #scan=cancel', async () => {
  const { host: h, of } = host({ scanCode: () => ({ errMsg: 'scanCode:fail cancel' }) });
  const scan = h.open(scanPageUrl(hosts.config.WEB_APP_URL));
  const read = await webAppReads(h, of);
  assert.equal(scan.data.state, 'scanning');
  assert.equal(read.src, `${hosts.config.WEB_APP_URL}?session=s_1#scan=cancel`);
  assert.deepEqual(read.scan, { result: 'cancel', code: null });
});

test('the scanner fails: the page stays with 重试 and 返回; 重试 scans again', async () => {
  let n = 0;
  const { host: h, of } = host({ scanCode: () => (++n === 1 ? { errMsg: 'scanCode:fail no permission' } : { result: 'GP1-2026-000002' }) });
  const scan = h.open(scanPageUrl(hosts.config.WEB_APP_URL));
  await until(() => scan.data.state === 'failed');
  assert.equal(scan.data.messageZh, '无法使用微信扫码，请重试或返回。');
  assert.match(scan.data.messageEn, /scanCode:fail no permission/);
  await ticks();
  assert.equal(of('reLaunch').length, 0);
  scan.retry();
  const read = await webAppReads(h, of);
  assert.deepEqual(read.scan, { result: 'success', code: 'GP1-2026-000002' });
});

test('an empty scan is a failure, and 返回 is a cancel, once however often it is tapped', async () => {
  const { host: h, of } = host({ scanCode: () => ({ result: '' }) });
  const scan = h.open(scanPageUrl(hosts.config.WEB_APP_URL));
  await until(() => scan.data.state === 'failed');
  assert.match(scan.data.messageEn, /Nothing was read/);
  scan.back();
  scan.back();
  scan.retry();
  const read = await webAppReads(h, of);
  await ticks();
  assert.equal(of('reLaunch').length, 1);
  assert.equal(of('scanCode').length, 1);
  assert.deepEqual(read.scan, { result: 'cancel', code: null });
});

test('a return URL elsewhere: the code goes to the web app\'s start page, not there', async () => {
  const { host: h, of } = host();
  h.open(scanPageUrl('https://evil.example/collect'));
  const read = await webAppReads(h, of);
  assert.equal(read.src, `${hosts.config.WEB_APP_URL}?session=s_1#scan=success&code=GP1-2026-000001`);
});

test('the web app opens the scan page itself and reads the code it sends back, once', async () => {
  const code = 'GP1-2026-000001';
  visit(`${hosts.config.WEB_APP_URL}?step=code`);
  const navigated = hostNavigation();
  await scanPageInHost();
  const url = await navigated;
  assert.equal(url, scanPageUrl(`${hosts.config.WEB_APP_URL}?step=code`));
  const { host: h, of } = host({ scanCode: () => ({ result: code }) });
  h.open(url);
  const read = await webAppReads(h, of);
  visit(read.src);
  takeSessionFromUrl();
  assert.deepEqual(takeScanReturn(), { result: 'success', code });
  assert.equal(new URL(address()).hash, '', 'the code is taken off the address');
  assert.equal(takeScanReturn(), null);
});

test('without the JSSDK the web app cannot open the scan page: host.unavailable (the camera scans)', async () => {
  visit(hosts.config.WEB_APP_URL);
  window.wx = undefined;
  await assert.rejects(scanPageInHost(), (e) => e.code === 'host.unavailable');
  window.wx = { miniProgram: { navigateTo: ({ fail }) => fail({ errMsg: 'navigateTo:fail page not found' }) } };
  await assert.rejects(scanPageInHost(), (e) => e.code === 'qr.host_unavailable' && /page not found/.test(e.message_en));
});
