// What the page keeps between reloads, and nothing more:
// - the flow's progress (`flow.save()`, from Rust) in localStorage: no ID characters, no names
//   besides the server's masked record;
// - the standardised JPEG (≤ 40 KB) in sessionStorage, only while it still has to be uploaded, so
//   a reload between standardising and uploading loses nothing. It is deleted once the order is
//   under review, and when a new photo replaces it.

export const FLOW_KEY = 'gradphoto.flow';
const JPEG_PREFIX = 'gradphoto.jpeg.';

export function loadFlow() {
  try { return localStorage.getItem(FLOW_KEY); } catch { return null; }
}

export function saveFlow(json) {
  try { localStorage.setItem(FLOW_KEY, json); } catch { /* private mode: progress lives in memory */ }
}

export function forgetFlow() {
  try { localStorage.removeItem(FLOW_KEY); } catch { /* nothing kept */ }
  clearJpegs();
}

function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Keep the standardised JPEG under its photo reference (replacing any earlier one). */
export function keepJpeg(ref, bytes) {
  clearJpegs();
  try { sessionStorage.setItem(JPEG_PREFIX + ref, toBase64(bytes)); } catch { /* kept in memory only */ }
}

/** The kept JPEG of this reference, or null. */
export function loadJpeg(ref) {
  let b64 = null;
  try { b64 = sessionStorage.getItem(JPEG_PREFIX + ref); } catch { /* none */ }
  if (!b64) return null;
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** Delete every kept JPEG. */
export function clearJpegs() {
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(JPEG_PREFIX)) sessionStorage.removeItem(key);
  } catch { /* none */ }
}
