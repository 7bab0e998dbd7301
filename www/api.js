// One small client for the collection backend (`gradphoto serve`, paths under /api/v1). JSON in and
// out; every failure is thrown as a typed error `{ code, message_zh, message_en, status }`, the
// server's own when it sent one. The photo upload goes through XMLHttpRequest for its progress
// events and is retried on network loss, timeouts (60 s) and 5xx answers, with backoff. A student
// call answered `auth.required` asks `renew` for a new session and is tried once more.

const offline = {
  code: 'net.unreachable',
  message_zh: '网络连接失败，请检查网络后重试。',
  message_en: 'Network error: check the connection and try again.',
};

function httpError(status, body) {
  if (body && typeof body === 'object' && body.code) return { ...body, status };
  return {
    code: `http.${status}`,
    message_zh: `服务器返回错误（HTTP ${status}），请稍后重试。`,
    message_en: `The server answered HTTP ${status}; please try again later.`,
    status,
  };
}

const retryable = (e) => e.code === offline.code || (e.status >= 500 && e.status <= 599);

const cancelled = {
  code: 'upload.cancelled',
  message_zh: '已取消上传。照片仍保存在本机，可随时重新提交。',
  message_en: 'Upload cancelled. The photo stays on this device; submit it again at any time.',
};

/** Wait `ms`; `signal` ends the wait early with `upload.cancelled`. */
const sleep = (ms, signal) => new Promise((ok, fail) => {
  const timer = setTimeout(() => { signal?.removeEventListener('abort', stop); ok(); }, ms);
  function stop() { clearTimeout(timer); fail(cancelled); }
  signal?.addEventListener('abort', stop, { once: true });
});
const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/**
 * Wait until the browser says it is online again: at most `ms` (no limit when omitted), or until
 * `signal` aborts (then it throws `upload.cancelled`).
 */
function online(ms, signal) {
  if (!isOffline()) return Promise.resolve();
  return new Promise((ok, fail) => {
    const cleanup = () => { clearTimeout(timer); window.removeEventListener('online', done); signal?.removeEventListener('abort', stop); };
    const done = () => { cleanup(); ok(); };
    const stop = () => { cleanup(); fail(cancelled); };
    const timer = ms == null ? null : setTimeout(done, ms);
    window.addEventListener('online', done);
    signal?.addEventListener('abort', stop);
  });
}

const UPLOAD_TIMEOUT_MS = 60_000;

/**
 * @param {{ base?: string, token: () => (string | null | undefined), renew?: () => Promise<boolean> }} options
 *   `token` gives the bearer sent with each call: the student's session or the reviewer token.
 *   `renew`, on an `auth.required` answer: get a new session (then `token` gives it) and resolve
 *   true to try the call once more, false to give up; it may throw its own typed error.
 */
export function createApi({ base = new URL('api/v1/', document.baseURI).href, token, renew }) {
  const url = (path) => new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`).href;
  const headers = (extra = {}) => {
    const h = { Accept: 'application/json', ...extra };
    const t = token?.();
    if (t) h.Authorization = `Bearer ${t}`;
    return h;
  };

  /** Run `call`; once more after a renewed session if it answers `auth.required`. */
  async function authed(call) {
    try {
      return await call();
    } catch (e) {
      if (e?.code !== 'auth.required' || !renew || !(await renew())) throw e;
      return call();
    }
  }

  function request(method, path, body, options) {
    return authed(() => requestOnce(method, path, body, options));
  }

  async function requestOnce(method, path, body, { retries = method === 'GET' ? 2 : 0, raw = false, onRetry } = {}) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        let response;
        try {
          response = await fetch(url(path), {
            method,
            headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            body: body === undefined ? undefined : JSON.stringify(body),
            cache: 'no-store',
          });
        } catch {
          throw offline;
        }
        if (!response.ok) {
          let payload = null;
          try { payload = await response.json(); } catch { /* not JSON */ }
          throw httpError(response.status, payload);
        }
        if (raw) return response;
        if (response.status === 204) return null;
        return await response.json();
      } catch (e) {
        if (attempt >= retries || !retryable(e)) throw e;
        onRetry?.(attempt + 1, e);
        await online(10_000);
        await sleep(400 * 2 ** attempt);
      }
    }
  }

  /** One PUT through XMLHttpRequest, reporting upload progress as 0–100; `signal` aborts it. */
  function putOnce(path, bytes, extraHeaders, onProgress, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) { reject(cancelled); return; }
      const xhr = new XMLHttpRequest();
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.open('PUT', url(path));
      xhr.timeout = UPLOAD_TIMEOUT_MS; // a stalled upload counts as a network error (retried)
      for (const [k, v] of Object.entries(headers(extraHeaders))) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (ev) => {
        if (ev.lengthComputable && ev.total > 0) onProgress?.(Math.round((100 * ev.loaded) / ev.total));
      };
      xhr.onload = () => {
        let payload = null;
        try { payload = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress?.(100);
          resolve(payload);
        } else {
          reject(httpError(xhr.status, payload));
        }
      };
      xhr.onerror = () => reject(offline);
      xhr.ontimeout = () => reject(offline);
      xhr.onabort = () => reject(signal?.aborted ? cancelled : offline);
      xhr.send(new Blob([bytes], { type: extraHeaders['Content-Type'] }));
    });
  }

  function sandboxLogin() {
    let id = localStorage.getItem('gradphoto.sandbox-login');
    if (!id) {
      id = `sandbox-${crypto.randomUUID()}`;
      localStorage.setItem('gradphoto.sandbox-login', id);
    }
    return id;
  }

  return {
    request,
    // Student calls (bearer: the session).
    // The sandbox's stand-in for the host's user identity: a random id kept by this browser (no
    // personal data), so a new session reaches the same orders and a second browser is a
    // second user.
    signIn: () => requestOnce('POST', 'session', { login: sandboxLogin() }),
    schools: (q) => request('GET', `schools?q=${encodeURIComponent(q)}`),
    eligibility: (school, category) => request('POST', 'eligibility', { school, category }),
    verify: (school, category, code, last4) => request('POST', 'verify', { school, category, code, last4 }),
    createOrder: (record) => request('POST', 'orders', { record }),
    pay: (order, result) => request('POST', `orders/${encodeURIComponent(order)}/pay`, { result }),
    order: (order) => request('GET', `orders/${encodeURIComponent(order)}`),
    /**
     * Into review. Idempotent from here: when a retried submit answers 409 (the first attempt may
     * have gone through, its answer lost), the order is read again; under review with this photo
     * is success.
     */
    async submit(order, sha256) {
      let retried = false;
      try {
        return await request('POST', `orders/${encodeURIComponent(order)}/submit`, { sha256 }, { retries: 2, onRetry: () => { retried = true; } });
      } catch (e) {
        if (!retried || e?.status !== 409) throw e;
        const o = await request('GET', `orders/${encodeURIComponent(order)}`);
        if (o?.status === 'under_review' && o.photo?.sha256 === sha256) return o;
        throw e;
      }
    },
    withdraw: (order) => request('POST', `orders/${encodeURIComponent(order)}/withdraw`),
    /** The order's stored photo (the server's copy of what was uploaded), as bytes. */
    orderPhoto: async (order) => new Uint8Array(await (await request('GET', `orders/${encodeURIComponent(order)}/photo`, undefined, { raw: true })).arrayBuffer()),
    /**
     * Upload the JPEG with its SHA-256 (hex). While the browser knows it is offline, it waits for
     * the connection (`onOffline()`, then `onOnline()` when it resumes), without using up a try.
     * Otherwise it retries up to `retries` times on network errors, 60 s timeouts and 5xx answers
     * (backoff 1 s, 2 s, 4 s); 4xx answers are final (but `auth.required` renews the session
     * once). `signal` cancels at any point (`upload.cancelled`). `onProgress(percent)`.
     */
    uploadPhoto: (order, jpeg, sha256, { onProgress, onRetry, onOffline, onOnline, signal, retries = 3 } = {}) => authed(async () => {
      for (let attempt = 0; ;) {
        if (signal?.aborted) throw cancelled;
        if (isOffline()) {
          onOffline?.();
          await online(null, signal);
          onOnline?.();
        }
        try {
          return await putOnce(`orders/${encodeURIComponent(order)}/photo`, jpeg,
            { 'Content-Type': 'image/jpeg', 'X-Content-SHA256': sha256 }, onProgress, signal);
        } catch (e) {
          if (e === cancelled) throw e;
          onProgress?.(0);
          if (isOffline()) continue; // lost the connection: wait for it, not a try
          if (attempt >= retries || !retryable(e)) throw e;
          attempt += 1;
          onRetry?.(attempt, e);
          await sleep(1000 * 2 ** (attempt - 1), signal);
        }
      }
    }),
    // Reviewer calls (bearer: the reviewer token).
    submissions: () => request('GET', 'review/submissions'),
    submissionPhoto: async (order) => (await request('GET', `review/submissions/${encodeURIComponent(order)}/photo`, undefined, { raw: true })).blob(),
    decide: (order, decision, reason, sha256) => request('POST', `review/submissions/${encodeURIComponent(order)}/decision`, { decision, reason, sha256 }),
    publish: (order) => request('POST', `review/submissions/${encodeURIComponent(order)}/publish`),
  };
}

/** SHA-256 of the bytes as lower-case hex (Web Crypto). */
export async function sha256Hex(bytes) {
  if (!globalThis.crypto?.subtle) {
    throw { code: 'crypto.unavailable', message_zh: '此浏览器无法计算文件校验值，请更新浏览器。', message_en: 'This browser cannot hash the file (Web Crypto unavailable); please update it.' };
  }
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
