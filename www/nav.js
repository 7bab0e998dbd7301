// The browser's Back and Forward buttons move between the steps of the page instead of leaving
// it: every new step the page reaches is one history entry (same URL, `history.pushState`), and
// going back shows that step's card again, scrolled into view, without changing the flow: what
// Rust allows at the current stage stays as it is (going back never undoes a payment or a
// submission). The first entry is the page as it was opened, so Back from there leaves as usual.

/**
 * @param {{ show: (view: string) => void }} options
 *   `show(view)` brings the card of `view` into sight (Back or Forward landed on it).
 */
export function createNav({ show }) {
  let current = history.state?.gradphotoView ?? null; // kept over a reload
  window.addEventListener('popstate', (ev) => {
    const view = ev.state?.gradphotoView;
    if (!view) return;
    current = view;
    show(view);
  });
  return {
    /** The page now shows `view` as its current step: a new entry when it changed. */
    reached(view) {
      if (!view || view === current) return;
      const state = { gradphotoView: view };
      const first = current === null && !history.state?.gradphotoView;
      current = view;
      // In a task of its own: a history entry took 40+ ms in headless Chromium, and the step
      // that reached this view has just done its own work in the current task.
      setTimeout(() => {
        if (first) history.replaceState(state, '');
        else history.pushState(state, '');
      });
    },
    current: () => current,
  };
}
