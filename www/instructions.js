// The photo instructions (拍照要求) before the first capture and on request: the preset's items
// (text from Rust's preset data), each with a small good and bad example drawn here in SVG (a
// sketch of a head and shoulders, never a photo of a person). Whether they were read is kept in
// localStorage, so they open by themselves only until then.

const NS = 'http://www.w3.org/2000/svg';
const READ_KEY = 'gradphoto.instructions-read';

const el = (tag, attrs = {}, parent = null) => {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent?.append(e);
  return e;
};

/**
 * A 60×72 sketch of a head and shoulders; `bad` names what is wrong in it (the instruction's
 * id), or nothing for the good example.
 */
function sketch(id, bad) {
  const svg = el('svg', { viewBox: '0 0 60 72', width: 60, height: 72, role: 'img', class: bad ? 'bad' : 'good' });
  const skin = '#e9bf9f'; const hair = '#3b2a20';
  // Background: a plain light wall; a busy one for the bad wall example.
  el('rect', { width: 60, height: 72, fill: '#e8f3fb' }, svg);
  if (bad && id === 'wall') {
    for (let i = 0; i < 6; i++) el('rect', { x: i * 10, y: 0, width: 5, height: 72, fill: i % 2 ? '#c9a66b' : '#7fa36b' }, svg);
    el('circle', { cx: 50, cy: 14, r: 6, fill: '#f2c14e' }, svg);
  }
  const close = bad && id === 'framing'; // head cut at the top, no shoulders
  const g = el('g', close ? { transform: 'translate(30 40) scale(1.7) translate(-30 -40)' } : {}, svg);
  // Shoulders and top: plain dark grey with a white collar; blue for the bad clothes example.
  const top = bad && id === 'clothes' ? '#2f6fd6' : '#4a5058';
  el('path', { d: 'M6 72 C8 56 18 52 30 52 C42 52 52 56 54 72 Z', fill: top }, g);
  el('path', { d: 'M24 52 L30 60 L36 52 Z', fill: '#fff' }, g);
  // Ears, head, hair.
  const earsHidden = bad && id === 'face';
  el('ellipse', { cx: 17, cy: 34, rx: 3, ry: 5, fill: skin }, g);
  el('ellipse', { cx: 43, cy: 34, rx: 3, ry: 5, fill: skin }, g);
  el('ellipse', { cx: 30, cy: 33, rx: 12, ry: 15, fill: skin }, g);
  el('path', { d: 'M17 30 C17 14 43 14 43 30 C40 22 20 22 17 30 Z', fill: hair }, g);
  if (earsHidden) {
    // Long hair over both ears and a fringe down to the brows.
    el('path', { d: 'M15 32 C13 14 47 14 45 32 L46 50 L40 50 L41 30 C38 24 22 24 19 30 L20 50 L14 50 Z', fill: hair }, g);
    el('path', { d: 'M19 24 C24 20 36 20 41 24 L41 29 C34 27 26 27 19 29 Z', fill: hair }, g);
  }
  // Eyes and brows.
  const tinted = bad && id === 'accessories';
  for (const x of [25, 35]) {
    el('line', { x1: x - 3, y1: 27.5, x2: x + 3, y2: 27.5, stroke: hair, 'stroke-width': 1.2 }, g);
    el('circle', { cx: x, cy: 31, r: 1.3, fill: '#222' }, g);
  }
  // Mouth: closed; an open smile with teeth for the bad mouth example; red lips for make-up.
  if (bad && id === 'mouth') {
    el('path', { d: 'M24 40 Q30 47 36 40 Z', fill: '#7a2e2e' }, g);
    el('path', { d: 'M25 40.5 L35 40.5 L34 42 L26 42 Z', fill: '#fff' }, g);
  } else {
    el('path', { d: 'M26 41 Q30 42.5 34 41', stroke: bad && id === 'natural' ? '#d01c3c' : '#9a5b4b', 'stroke-width': bad && id === 'natural' ? 2.2 : 1.2, fill: 'none' }, g);
  }
  if (bad && id === 'natural') {
    el('circle', { cx: 22, cy: 37, r: 2.5, fill: '#f28aa0', opacity: 0.7 }, g);
    el('circle', { cx: 38, cy: 37, r: 2.5, fill: '#f28aa0', opacity: 0.7 }, g);
    el('path', { d: 'M47 12 l1.5 3 l3 1.5 l-3 1.5 l-1.5 3 l-1.5 -3 l-3 -1.5 l3 -1.5 Z', fill: '#f6c343' }, svg);
  }
  if (tinted) {
    // Dark glasses, a hat and an earring.
    el('rect', { x: 20.5, y: 28.5, width: 8, height: 5, rx: 2, fill: '#222' }, g);
    el('rect', { x: 31.5, y: 28.5, width: 8, height: 5, rx: 2, fill: '#222' }, g);
    el('line', { x1: 28.5, y1: 30.5, x2: 31.5, y2: 30.5, stroke: '#222', 'stroke-width': 1 }, g);
    el('path', { d: 'M12 22 L48 22 L42 16 C40 8 20 8 18 16 Z', fill: '#7b2d26' }, g);
    el('circle', { cx: 43, cy: 40, r: 1.6, fill: '#f6c343' }, g);
  }
  // Light: half the face in shadow.
  if (bad && id === 'light') el('path', { d: 'M30 18 A12 15 0 0 1 30 48 Z', fill: '#000', opacity: 0.45 }, g);
  // A selfie: the arm up holding the phone.
  if (bad && id === 'helper') {
    el('path', { d: 'M50 72 L56 46 L50 30', stroke: skin, 'stroke-width': 5, fill: 'none', 'stroke-linecap': 'round' }, svg);
    el('rect', { x: 45, y: 18, width: 9, height: 15, rx: 1.5, fill: '#333' }, svg);
  }
  // The mark: ✓ green for the good example, ✗ red for the bad one.
  const mark = el('g', { transform: 'translate(2 2)' }, svg);
  el('circle', { cx: 7, cy: 7, r: 7, fill: bad ? '#c0392b' : '#2e7d32' }, mark);
  el('path', { d: bad ? 'M4 4 L10 10 M10 4 L4 10' : 'M3.5 7.5 L6 10 L10.5 4.5', stroke: '#fff', 'stroke-width': 1.8, fill: 'none' }, mark);
  return svg;
}

export const instructionsRead = () => { try { return localStorage.getItem(READ_KEY) === '1'; } catch { return false; } };
export const markInstructionsRead = () => { try { localStorage.setItem(READ_KEY, '1'); } catch { /* shown again next time */ } };

/** Fill `list` (a `<ul>`) with the preset's instructions in `lang`, each with its two sketches. */
export function renderInstructions(list, instructions, lang = 'zh') {
  list.replaceChildren();
  for (const item of instructions) {
    const li = document.createElement('li');
    li.dataset.id = item.id;
    const pics = document.createElement('span');
    pics.className = 'pics';
    pics.append(sketch(item.id, false), sketch(item.id, true));
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = lang === 'zh' ? item.zh : item.en;
    li.append(pics, text);
    list.append(li);
  }
}
