// Builds the minified files that Footfall serves (footfall.min.js, optout.min.js) from the
// readable sources beside this script. Run `npm ci && npm run build` here after editing a source;
// the minified output is committed so that running Footfall needs no Node.js.
// Each output starts with the SHA-256 of its source, which a Python test compares to keep them in step.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCES = { 'footfall.js': 'footfall.min.js', 'optout.js': 'optout.min.js' };

const OPTIONS = {
  ecma: 5, // the output must still parse on old browsers
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
};

export async function build(source) {
  const text = readFileSync(join(here, source), 'utf8');
  const digest = createHash('sha256').update(text).digest('hex');
  const result = await minify(text, OPTIONS);
  return `/*! ${source} (Footfall) AGPL-3.0-or-later source-sha256:${digest} */\n${result.code}\n`;
}

// `node build.mjs --check` rebuilds in memory and fails if a committed file differs.
const checkOnly = process.argv.includes('--check');
let stale = 0;
for (const [source, target] of Object.entries(SOURCES)) {
  const output = await build(source);
  if (!checkOnly) {
    writeFileSync(join(here, target), output);
    console.log(`${target}: ${output.length} bytes`);
  } else if (readFileSync(join(here, target), 'utf8') !== output) {
    console.error(`${target} is stale: run npm run build in footfall/js`);
    stale += 1;
  }
}
process.exitCode = stale ? 1 : 0;
