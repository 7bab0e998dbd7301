// The first thing the page runs (a plain script in the head, before any module): for a graduate
// who comes back at the photo step, start the analyzer's downloads now. The worker that uses them
// starts only once the page's modules have loaded (about a second later on a slow phone); these
// requests fill the browser's HTTP cache meanwhile, and the worker's own fetches are answered
// from it. Only what the live guide starts on (the module and the detector): the face mesh and
// the person segmentation follow once it runs, so they do not share the link with it. Nothing is
// fetched for a graduate before the photo step.
(() => {
  let atPhotoStep = false;
  try {
    atPhotoStep = localStorage.getItem('gradphoto.at-photo-step') === '1' && localStorage.getItem('gradphoto.flow') != null;
  } catch { /* no storage: nothing to resume */ }
  if (!atPhotoStep) return;
  // The same probe as pkg/loader.js: a module with one SIMD instruction.
  const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
  let simd = false;
  try { simd = WebAssembly.validate(probe); } catch { /* no WebAssembly: the page says so later */ }
  const files = [
    simd ? 'pkg/gradphoto_bg.wasm' : 'pkg/gradphoto_scalar_bg.wasm',
    'pkg/models/face_detection_short_range_w16.onnx',
  ];
  for (const href of files) {
    const link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'fetch';
    link.crossOrigin = 'anonymous';
    link.href = href;
    document.head.append(link);
  }
})();
