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
  /** The entry script: the shell, sign-in and the shared UI. */
  script: string;
  stylesheet: string;
  /** Loaded on demand: each role's pages and the code only they share. */
  chunks: string[];
  /** gzip -9 size of the entry script, as a CDN would send it. */
  scriptGzipBytes: number;
  chunksGzipBytes: Record<string, number>;
  /** gzipped JavaScript a signed-in person of each role loads (entry, shared chunks, their pages). */
  roleLoadGzipBytes: Record<string, number>;
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
    // Each role's pages (and what only they use, such as uPlot) load as chunks after sign-in.
    splitting: true,
    chunkNames: 'chunk-[hash]',
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
  const entry = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint !== undefined && output.entryPoint.endsWith('main.tsx'));
  const script = entry ? basename(entry[0]) : undefined;
  const stylesheet = entry?.[1].cssBundle ? basename(entry[1].cssBundle) : undefined;
  if (!script || !stylesheet) throw new Error(`esbuild produced ${Object.keys(metafile.outputs).join(', ')}: expected the entry's .js and .css`);
  const chunks = Object.keys(metafile.outputs)
    .map((file) => basename(file))
    .filter((file) => file.startsWith('chunk-') && file.endsWith('.js'));
  writeFileSync(join(outDir, 'index.html'), indexHtml(script, stylesheet));
  const gzipBytes = (file: string) => gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
  // What a browser downloads for one role: the entry, the role's pages and every chunk either
  // imports statically (the dynamic imports of the other roles are never followed).
  const staticClosure = (start: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(start)) return seen;
    seen.add(start);
    for (const imported of metafile.outputs[start]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) staticClosure(imported.path, seen);
    }
    return seen;
  };
  const roleLoadGzipBytes: Record<string, number> = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const role = /web\/src\/(\w+)\/routes\.ts$/.exec(output.entryPoint ?? '')?.[1];
    if (!role || !entry) continue;
    const files = staticClosure(file, staticClosure(entry[0]));
    roleLoadGzipBytes[role] = [...files].filter((name) => name.endsWith('.js')).reduce((sum, name) => sum + gzipBytes(basename(name)), 0);
  }
  return {
    outDir,
    files: readdirSync(outDir).sort(),
    script,
    stylesheet,
    chunks: chunks.sort(),
    scriptGzipBytes: gzipBytes(script),
    chunksGzipBytes: Object.fromEntries(chunks.map((chunk) => [chunk, gzipBytes(chunk)])),
    roleLoadGzipBytes,
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
  const roles = Object.entries(built.roleLoadGzipBytes).map(([role, bytes]) => `${role} ${kb(bytes)}`).join(', ');
  console.log(
    `built ${built.files.length} files in ${outDir}: entry ${kb(statSync(join(outDir, built.script)).size)} (${kb(built.scriptGzipBytes)} gzipped); script per role, gzipped: ${roles}; stylesheet ${kb(built.stylesheetGzipBytes)} gzipped`,
  );
}
