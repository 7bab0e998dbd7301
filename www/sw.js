// The page's offline copy. A graduate who has opened the collection page once can open it again
// without a network (a dormitory's Wi-Fi gone, a train): the page, its scripts, both WebAssembly
// modules and the models come from here, the flow resumes from what the device saved, and a photo
// is checked and standardised on the device as before; only the server's calls (never cached)
// wait for the network, as the page already says.
//
// Network first, so a new release is used as soon as it can be fetched (the server revalidates
// the page and modules on every load); the copy here answers only when the network does not.
// The API (`/api/`) and other origins are never touched.

const CACHE = 'gradphoto-offline-v1';

self.addEventListener('install', () => { self.skipWaiting(); });
self.addEventListener('activate', (event) => { event.waitUntil(self.clients.claim()); });

/** Whether `fresh` differs from what the cache holds (a new release), by its validators. */
function changed(old, fresh) {
  if (!old) return true;
  const same = (h) => old.headers.get(h) === fresh.headers.get(h);
  return !(same('etag') && same('last-modified') && same('content-length'));
}

async function networkFirst(event) {
  const { request } = event;
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      const old = await cache.match(request);
      // Stored only when it changed (the 4.7 MB module is not written again on every visit), and
      // beside the answer, which streams to the page meanwhile (progress, streaming compile).
      if (changed(old, response)) event.waitUntil(cache.put(request, response.clone()).catch(() => {}));
    }
    return response;
  } catch (e) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  // Range requests (media) and the browser's own cache modes are left to the browser.
  if (request.headers.has('range') || request.cache === 'no-store') return;
  event.respondWith(networkFirst(event));
});
