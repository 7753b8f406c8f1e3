// Bundles the dashboard into dist/ for go:embed: one hashed script and one
// hashed stylesheet in dist/assets/, and dist/index.html naming them.
// Nothing is left to fetch from another host; the build fails if the
// bundle would.
import * as esbuild from 'esbuild';
import fs from 'node:fs/promises';
import path from 'node:path';

const dist = 'dist';

await fs.mkdir(dist, { recursive: true });
for (const name of await fs.readdir(dist)) {
  if (name !== '.keep') await fs.rm(path.join(dist, name), { recursive: true });
}

const result = await esbuild.build({
  entryPoints: { dashboard: 'src/dashboard.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  entryNames: '[name]-[hash]',
  outdir: path.join(dist, 'assets'),
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => path.basename(p));
const js = outputs.find((n) => n.endsWith('.js'));
const css = outputs.find((n) => n.endsWith('.css'));
if (!js || !css) throw new Error(`build: missing outputs in ${outputs.join(', ')}`);

for (const name of [js, css]) {
  const body = await fs.readFile(path.join(dist, 'assets', name), 'utf8');
  const remote = body.match(/url\(\s*['"]?(https?:)?\/\/[^)]*\)|@import\s+['"]?(https?:)?\/\/|(?<![\w.])fetch\(\s*['"]https?:/);
  if (remote) throw new Error(`build: ${name} loads ${remote[0]}`);
}

const html = (await fs.readFile('src/index.html', 'utf8')).replace('{{JS}}', `dashboard/assets/${js}`).replace('{{CSS}}', `dashboard/assets/${css}`);
await fs.writeFile(path.join(dist, 'index.html'), html);

let total = 0;
for (const name of [js, css]) total += (await fs.stat(path.join(dist, 'assets', name))).size;
console.log(`dashboard: ${js} and ${css}, ${(total / 1024).toFixed(0)} KiB in ${dist}/assets/`);
