// The verification lock as the server states it: after `verify.locked` / `verify.code_locked`
// (or the failure that earned the lock) the answer carries `retry_after_s`; the verify button
// stays disabled until then, with a countdown. The server decides; this only counts down.

/** Seconds as "m:ss" or "h:mm:ss". */
function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600); const m = Math.floor((s % 3600) / 60); const r = s % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

/**
 * @param {{ el: HTMLElement, text: (key: string) => string, onChange: () => void }} options
 *   `el` shows the countdown; `onChange` re-renders the page when the lock starts or ends.
 */
export function createVerifyLock({ el, text, onChange }) {
  let until = 0;
  let timer = null;
  const tick = () => {
    const left = (until - Date.now()) / 1000;
    if (left <= 0) {
      clearInterval(timer); timer = null; until = 0;
      el.hidden = true; el.textContent = '';
      onChange();
      return;
    }
    el.hidden = false;
    el.textContent = text('verify_wait').replace('{time}', clock(left));
  };
  return {
    /** Take the lock from a server error, if it has one. */
    fromError(e) {
      if (!(e?.retry_after_s > 0)) return;
      until = Date.now() + e.retry_after_s * 1000;
      clearInterval(timer);
      timer = setInterval(tick, 1000);
      tick();
      onChange();
    },
    locked: () => until > Date.now(),
    redraw: () => { if (until) tick(); },
  };
}
