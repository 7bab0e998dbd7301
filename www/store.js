// What the page keeps between visits, and nothing more:
// - the flow's progress (`flow.save()`, from Rust) in localStorage: no ID characters, no names
//   besides the server's masked record; beside it, whether that progress was at the photo step;
// - the standardised JPEG (≤ 40 000 bytes) and its check report (measures and verdicts, no
//   pixels) in IndexedDB, from standardisation until the order is
//   published: closing the browser between standardising and submitting loses nothing, and the
//   submitted photo can be shown and downloaded while it is reviewed. One photo at a time: a new
//   one replaces it; it is deleted once the order is published, or when the flow is forgotten.
// Where IndexedDB is unavailable (some private modes) the photo lives in memory only, and the
// page says so at the step when it is gone.

export const FLOW_KEY = 'gradphoto.flow';
const DB = 'gradphoto';
const STORE = 'photos';
const KEY = 'standardised';

export function loadFlow() {
  try { return localStorage.getItem(FLOW_KEY); } catch { return null; }
}

/**
 * `atPhotoStep`: Rust's `allowed().can_capture` for this state, kept beside it so that the next
 * visit can start the analysis worker's downloads before the module that resumes the flow has
 * even loaded (on a slow link the two then share the wait instead of queuing).
 */
export function saveFlow(json, atPhotoStep) {
  try {
    localStorage.setItem(FLOW_KEY, json);
    if (atPhotoStep) localStorage.setItem(PHOTO_STEP_KEY, '1'); else localStorage.removeItem(PHOTO_STEP_KEY);
  } catch { /* private mode: progress lives in memory */ }
}

const PHOTO_STEP_KEY = 'gradphoto.at-photo-step';
/** Whether the progress saved last was at the photo step (see `saveFlow`). */
export function savedAtPhotoStep() {
  try { return localStorage.getItem(PHOTO_STEP_KEY) === '1' && localStorage.getItem(FLOW_KEY) != null; } catch { return false; }
}

// The photo (its ref) whose pre-submit confirmation the graduate ticked: a reload keeps the tick,
// a new photo asks again.
const CONFIRMED_KEY = 'gradphoto.confirmed';
export function loadConfirmed() {
  try { return localStorage.getItem(CONFIRMED_KEY); } catch { return null; }
}
export function saveConfirmed(ref) {
  try {
    if (ref) localStorage.setItem(CONFIRMED_KEY, ref); else localStorage.removeItem(CONFIRMED_KEY);
  } catch { /* private mode: the tick lives in memory */ }
}

export async function forgetFlow() {
  try { for (const k of [FLOW_KEY, PHOTO_STEP_KEY, CONFIRMED_KEY]) localStorage.removeItem(k); } catch { /* nothing kept */ }
  await clearJpegs();
}

let memory = null; // { ref, bytes } when IndexedDB is not there
let opening = null;
function open() {
  opening ??= new Promise((ok, fail) => {
    if (typeof indexedDB === 'undefined') { fail(new Error('no IndexedDB')); return; }
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  return opening;
}

/** One request on the photo store, as a promise. */
async function run(mode, fn) {
  const db = await open();
  return new Promise((ok, fail) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => ok(req.result);
    tx.onerror = () => fail(tx.error);
    tx.onabort = () => fail(tx.error);
  });
}

/** Keep the standardised JPEG under its photo reference (replacing any earlier one), with the
 *  check of the `result` it came with (its `report` and `summary`: measures and verdicts, no
 *  pixels), so a reload at the result step shows the checklist again instead of asking for a new
 *  photo. */
export async function keepJpeg(ref, bytes, result = null) {
  const checked = result?.report ? { report: result.report, summary: result.summary } : null;
  memory = { ref, bytes, checked };
  try { await run('readwrite', (s) => s.put({ ref, bytes, checked }, KEY)); } catch { /* kept in memory only */ }
}

/** What is kept under this reference, `{ bytes, checked }` (`checked` may be null), or null. */
export async function loadKept(ref) {
  if (memory?.ref === ref) return { bytes: memory.bytes, checked: memory.checked ?? null };
  try {
    const kept = await run('readonly', (s) => s.get(KEY));
    return kept?.ref === ref ? { bytes: new Uint8Array(kept.bytes), checked: kept.checked ?? null } : null;
  } catch {
    return null;
  }
}

/** The kept JPEG of this reference, or null. */
export async function loadJpeg(ref) {
  return (await loadKept(ref))?.bytes ?? null;
}

/** Delete the kept JPEG. */
export async function clearJpegs() {
  memory = null;
  try { await run('readwrite', (s) => s.delete(KEY)); } catch { /* none */ }
}
