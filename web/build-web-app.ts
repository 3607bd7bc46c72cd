/**
 * `npm run build:web`: bundles the single-page app with esbuild into `outDir`: `app-[hash].js`,
 * `app-[hash].css` (content-hashed, so they can be cached for a year) and an `index.html` that
 * only references them (no inline script: the CSP allows scripts from 'self' only). Used by
 * `npm start` (built at start) and by the CDK app (built at synth, no Docker).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, buildSync, type BuildOptions, type Metafile } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./src/main.tsx', import.meta.url));

/** Where the built files are served from, in the browser's address space. */
export const WEB_APP_BASE_PATH = '/app/';

/** The Content-Security-Policy every page of the app is served with (local gateway and CloudFront). */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export interface BuiltWebApp {
  outDir: string;
  /** File names in `outDir`: `index.html` and the hashed assets. */
  files: string[];
  script: string;
  stylesheet: string;
  /** gzip -9 size of the script, as a CDN would send it. */
  scriptGzipBytes: number;
  stylesheetGzipBytes: number;
}

function indexHtml(script: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Affiliate platform</title>
<link rel="stylesheet" href="${WEB_APP_BASE_PATH}${stylesheet}">
<script type="module" src="${WEB_APP_BASE_PATH}${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>This app needs JavaScript. Machines can use the API: /v1/openapi.json.</noscript>
</body>
</html>
`;
}

function esbuildOptions(outDir: string, minify: boolean): BuildOptions & { metafile: true } {
  return {
    entryPoints: { app: ENTRY },
    bundle: true,
    minify,
    sourcemap: false,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    outdir: outDir,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  };
}

/** Writes index.html beside esbuild's outputs and measures them. */
function finish(outDir: string, metafile: Metafile): BuiltWebApp {
  const outputs = Object.keys(metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const stylesheet = outputs.find((file) => file.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`esbuild produced ${outputs.join(', ')}: expected one .js and one .css`);
  writeFileSync(join(outDir, 'index.html'), indexHtml(script, stylesheet));
  const gzipBytes = (file: string) => gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
  return {
    outDir,
    files: readdirSync(outDir).sort(),
    script,
    stylesheet,
    scriptGzipBytes: gzipBytes(script),
    stylesheetGzipBytes: gzipBytes(stylesheet),
  };
}

/** Builds the app into `outDir` (emptied first). */
export async function buildWebApp(options: { outDir: string; minify?: boolean }): Promise<BuiltWebApp> {
  const outDir = resolve(options.outDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build(esbuildOptions(outDir, options.minify ?? true));
  return finish(outDir, result.metafile);
}

/** The same build, synchronously: the CDK app builds its stacks synchronously (at synth, no Docker). */
export function buildWebAppSync(options: { outDir: string; minify?: boolean }): BuiltWebApp {
  const outDir = resolve(options.outDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = buildSync(esbuildOptions(outDir, options.minify ?? true));
  return finish(outDir, result.metafile);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? 'dist/web';
  const built = await buildWebApp({ outDir, minify: true });
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(
    `built ${built.files.join(', ')} in ${outDir}: script ${kb(statSync(join(outDir, built.script)).size)} (${kb(built.scriptGzipBytes)} gzipped), stylesheet ${kb(built.stylesheetGzipBytes)} gzipped`,
  );
}
