// The collection page names its whole module graph in <link rel="modulepreload"> (www/index.html)
// so a slow link fetches it at once instead of a level per round trip. This keeps that list equal
// to what flow.js imports, directly or not: a module added without its link, or a link left
// behind, fails here. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const www = resolve(root, 'www');
const served = (file) => {
  const rel = relative(www, file);
  // pkg/ is served at /pkg beside the page's own files.
  return rel.startsWith('../pkg/') ? rel.slice(3) : rel;
};

/** Every module flow.js reaches through static imports, as the page addresses them. */
function graph(entry) {
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    // pkg/ is built by scripts/build from pkg-template/ (loader.js) and wasm-bindgen (the glue,
    // which imports nothing): before a build, the template stands in.
    const candidates = [file, file.replace(`${root}pkg/`, `${root}pkg-template/`)];
    const found = candidates.find((f) => { try { readFileSync(f); return true; } catch { return false; } });
    if (!found) return;
    const source = readFileSync(found, 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) walk(resolve(dirname(file), m[1]));
  };
  walk(entry);
  seen.delete(entry);
  return [...seen].map(served).sort();
}

test('index.html preloads exactly the module graph of flow.js', () => {
  const html = readFileSync(resolve(www, 'index.html'), 'utf8');
  const links = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]).sort();
  assert.deepEqual(links, graph(resolve(www, 'flow.js')));
  assert.match(html, /<script type="module" src="flow.js"><\/script>/);
});
