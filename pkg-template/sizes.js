// The byte size of each file the loader fetches, written by scripts/build from the files it
// packs, so progress totals are exact whatever the server's compression. Empty in the template.
export const FILE_SIZES = {};
