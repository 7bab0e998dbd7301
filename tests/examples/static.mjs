// A static file server for the example tests, with the behaviours a deployment may have: gzip
// on the fly (then Content-Length is the compressed size, or absent), CORS for a CDN origin, and
// a single-page-app fallback that answers a missing file with the app's page (what makes a wrong
// model path come back as HTML). Binds to 127.0.0.1 only.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { types } from '../../scripts/serve.mjs';


/**
 * Serve `dir` on a free port. `gzip`: compress every answer the browser accepts gzip for;
 * `cors`: allow any origin; `spa`: a missing path gets an app's HTML page with 200; `log`: push each path.
 * `routes`: extra `{ '/path': (req, res) => void }`; `headers`: sent with every file (a CSP).
 */
export function serveDir(dir, { gzip = false, cors = false, spa = false, log = null, routes = {}, headers: extra = {} } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    log?.push(path);
    if (routes[path]) return routes[path](req, res);
    const headers = { 'cache-control': 'no-store', ...extra };
    if (cors) headers['access-control-allow-origin'] = '*';
    let file = normalize(join(dir, path));
    try {
      if (!file.startsWith(dir)) throw new Error('outside');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      await stat(file);
    } catch {
      if (!spa) { res.writeHead(404, { ...headers, 'content-type': 'text/plain' }); res.end('not found'); return; }
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>App</title></head><body><div id="root"></div></body></html>\n');
      return;
    }
    let body = await readFile(file);
    headers['content-type'] = types[extname(file)] ?? 'application/octet-stream';
    if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

export const origin = (server) => `http://127.0.0.1:${server.address().port}`;
