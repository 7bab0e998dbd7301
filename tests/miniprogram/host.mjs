// A stand-in for the WeChat mini-program runtime, enough to drive the host's pages in Node:
// the host compiled by `tsc` with its own tsconfig, each module run in a fresh `vm` context that
// has only what the mini-program gives (`wx`, `App`, `getApp`, `Page`, `console`) and none of
// Node's or the browser's globals (`URL`, `URLSearchParams`, `setTimeout`…), so a host module that
// leans on one fails here as it would on a phone.

import { after, before } from 'node:test';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const hostDir = path.join(root, 'miniprogram');

/**
 * Compile the host into a fresh folder under target/miniprogram-js (one per test file: the files
 * run in parallel processes). Returns the folder and a `remove` for `after()`.
 */
export function compileHost() {
  const base = path.join(root, 'target', 'miniprogram-js');
  mkdirSync(base, { recursive: true });
  const out = mkdtempSync(path.join(base, 'test-'));
  try {
    execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', hostDir, '--outDir', out], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
  return { out, remove: () => rmSync(out, { recursive: true, force: true }) };
}

/** One step of WeChat's callbacks: they come later, never inside the call. */
const later = (fn) => setImmediate(fn);

/** Resolves after `n` turns of the event loop (every pending callback and promise has run). */
export async function ticks(n = 20) {
  for (let i = 0; i < n; i++) await new Promise((ok) => setImmediate(ok));
}

/** Waits until `pred()` holds (at most 200 turns of the event loop). */
export async function until(pred, what = 'the condition') {
  for (let i = 0; i < 200; i++) {
    if (pred()) return;
    await new Promise((ok) => setImmediate(ok));
  }
  throw new Error(`never happened: ${what}`);
}

/**
 * A fake `wx`: each API records its call in `calls` and answers through the test's `answers`
 * (an answer with `errMsg` goes to `fail`, anything else to `success`). Defaults: a login code,
 * a paid payment, a scanned `GP1-2026-000001`, a reLaunch that works. `request` has no default:
 * the test says what the backend answers (`{ statusCode, data }`).
 */
export function fakeWx(answers = {}) {
  const calls = [];
  const reply = (o, r, ok) => later(() => (r?.errMsg ? o.fail?.(r) : o.success?.(ok(r))));
  const wx = {
    login(o) {
      calls.push({ api: 'login' });
      reply(o, answers.login ? answers.login() : { code: 'code-1' }, (r) => ({ ...r, errMsg: 'login:ok' }));
    },
    request(o) {
      calls.push({ api: 'request', url: o.url, method: o.method, header: { ...o.header }, data: JSON.parse(JSON.stringify(o.data ?? null)) });
      reply(o, answers.request(o), (r) => ({ statusCode: r.statusCode, data: r.data, header: {}, cookies: [], errMsg: 'request:ok' }));
    },
    requestPayment(o) {
      const { success, fail, complete, ...params } = o;
      calls.push({ api: 'requestPayment', params });
      reply(o, answers.requestPayment ? answers.requestPayment(o) : {}, () => ({ errMsg: 'requestPayment:ok' }));
    },
    scanCode(o) {
      const { success, fail, complete, ...options } = o;
      calls.push({ api: 'scanCode', options: JSON.parse(JSON.stringify(options)) });
      reply(o, answers.scanCode ? answers.scanCode(o) : { result: 'GP1-2026-000001' }, (r) => ({ ...r, scanType: 'QR_CODE', charSet: 'utf-8', errMsg: 'scanCode:ok' }));
    },
    reLaunch(o) {
      calls.push({ api: 'reLaunch', url: o.url });
      reply(o, answers.reLaunch ? answers.reLaunch(o) : {}, () => ({ errMsg: 'reLaunch:ok' }));
    },
  };
  const of = (api) => calls.filter((c) => c.api === api);
  return { wx, calls, of };
}

/**
 * The page options the mini-program passes to `onLoad` for a page URL such as
 * `/pages/pay/pay?order=…&return=…`: split at `&` and the first `=`, values still percent-encoded
 * (the framework does not decode them; the host's `readOption` does).
 */
export function optionsOf(pageUrl) {
  const at = pageUrl.indexOf('?');
  const options = {};
  if (at < 0) return options;
  for (const pair of pageUrl.slice(at + 1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) options[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return options;
}

/** The route of a page URL: `/pages/pay/pay?…` → `pages/pay/pay`. */
export const routeOf = (pageUrl) => pageUrl.split('?')[0].replace(/^\//, '');

/**
 * Start the compiled host in `out` with this fake `wx`: runs `app.js` (the `App()` call), then
 * `open(pageUrl)` loads a page's module, makes an instance as the framework does (the options'
 * fields and methods, a copy of `data`, `setData`) and calls its `onLoad` with the URL's options.
 * `logged` holds anything the host wrote to `console` (nothing, ever: no personal data in logs).
 */
export function startHost(out, wx) {
  let app = null;
  const pages = new Map();
  let loading = null;
  const logged = [];
  const record = (...args) => logged.push(args.map(String).join(' '));
  const context = vm.createContext({
    wx,
    App: (options) => { app = options; },
    getApp: () => app,
    Page: (options) => { pages.set(loading, options); },
    console: { log: record, info: record, warn: record, error: record, debug: record },
  });
  const modules = new Map();
  const load = (file) => {
    if (modules.has(file)) return modules.get(file).exports;
    const module = { exports: {} };
    modules.set(file, module);
    const wrapped = vm.runInContext(`(function (exports, require, module) {\n${readFileSync(file, 'utf8')}\n})`, context, { filename: file });
    const require = (spec) => {
      if (!spec.startsWith('.')) throw new Error(`the host loads no packages at run time: ${spec}`);
      return load(`${path.resolve(path.dirname(file), spec)}.js`);
    };
    wrapped(module.exports, require, module);
    return module.exports;
  };
  load(path.join(out, 'app.js'));
  return {
    get app() { return app; },
    logged,
    /** A host module's exports (`config`, `protocol`, …). */
    module: (name) => load(path.join(out, `${name}.js`)),
    open(pageUrl) {
      const route = routeOf(pageUrl);
      loading = route;
      load(path.join(out, `${route}.js`));
      const def = pages.get(route);
      if (!def) throw new Error(`${route} did not call Page()`);
      const page = { ...def, route, data: structuredClone({ ...def.data }) };
      page.setData = (patch) => { Object.assign(page.data, patch); };
      page.onLoad?.(optionsOf(pageUrl));
      return page;
    },
  };
}

/** The error body the API answers with (docs/api.yaml, Error). */
export const apiError = (statusCode, code, zh, en) => ({ statusCode, data: { code, message_zh: zh, message_en: en } });

/**
 * A fake backend for `wx.request`: `table` maps a path under `apiBase` (`/session`, …) to
 * `(call, n) => answer`, `n` counting that path's calls from 1. By default `POST /session` hands
 * out `s_1`, `s_2`, …; an unknown path is the API's 404; a URL outside `apiBase` fails as WeChat
 * fails a domain not on the request list.
 */
export function backend(apiBase, table = {}) {
  const seen = new Map();
  const routes = { '/session': (_call, n) => ({ statusCode: 201, data: { session: `s_${n}` } }), ...table };
  return (call) => {
    if (!call.url.startsWith(apiBase)) return { errMsg: 'request:fail url not in domain list' };
    const at = call.url.slice(apiBase.length);
    seen.set(at, (seen.get(at) ?? 0) + 1);
    const route = routes[at];
    return route ? route(call, seen.get(at)) : apiError(404, 'request.not_found', '没有这个接口。', 'No such API call.');
  };
}

/**
 * The compiled host for one test file: compiled before its tests and removed after them, with
 * `config` overriding config.ts's exports.
 * `hosts.config` is the host's config module (once compiled); `hosts.start(table, answers)` starts
 * a host whose fake backend answers `table` (see `backend`) and whose fake wx answers `answers`.
 */
export function hostForTests({ config = {} } = {}) {
  const hosts = { build: null, config: null };
  before(() => {
    hosts.build = compileHost();
    // A deployment's setting, as an operator would edit config.ts (the compiled module's export
    // replaced: every importer reads it at use time).
    for (const [name, value] of Object.entries(config)) {
      appendFileSync(path.join(hosts.build.out, 'config.js'), `\nexports.${name} = ${JSON.stringify(value)};\n`);
    }
    hosts.config = startHost(hosts.build.out, fakeWx().wx).module('config');
  });
  after(() => hosts.build?.remove());
  hosts.start = (table = {}, answers = {}) => {
    const fake = fakeWx({ request: backend(hosts.config.API_BASE, table), ...answers });
    return { ...fake, host: startHost(hosts.build.out, fake.wx) };
  };
  return hosts;
}

