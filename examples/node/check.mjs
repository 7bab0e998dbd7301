// Check and standardise a photo in Node: `node check.mjs photo.jpg [out.jpg]`. Prints the verdict,
// what to fix, and the standardised file's facts as JSON; writes the file when asked.
import { readFile, writeFile } from 'node:fs/promises';
import { loadAnalyzer } from 'gradphoto/node.js';

const [input, output] = process.argv.slice(2);
if (!input) {
  console.error('usage: node check.mjs photo.jpg [out.jpg]');
  process.exit(2);
}
const analyzer = await loadAnalyzer(); // the wasm and models from the installed package
try {
  const result = analyzer.checkAndStandardize(new Uint8Array(await readFile(input)), 'chsi-graduation');
  const photo = result.standardized;
  if (output && photo?.jpeg) await writeFile(output, photo.jpeg);
  console.log(JSON.stringify({
    verdict: result.report.verdict,
    summary: result.report.summary_zh,
    failing: result.summary.failing,
    file: photo ? { width: photo.width, height: photo.height, bytes: photo.jpeg?.byteLength } : null,
    standardizeError: result.standardizeError?.code ?? null,
  }, null, 2));
} catch (e) {
  // A typed error: an Error with the stable code and the message in Chinese and English.
  console.error(`${e.code}: ${e.message_en}`);
  process.exit(1);
}
