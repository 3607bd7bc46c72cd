/**
 * `npm test` (the quick project) and `npm run test:proof` (the proof project) split the test
 * files between them: every `*.test.ts` runs in exactly one, so a new file can neither slip out
 * of both nor run twice in CI. Vitest itself resolves the projects of vitest.config.ts here, so
 * the check sees what `vitest run --project …` would run.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVitest, type Vitest } from 'vitest/node';

const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

async function testFilesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => relative(repositoryRoot, join(entry.parentPath, entry.name)))
    .sort();
}

describe('the quick and proof suites', () => {
  let vitest: Vitest;
  let projectsOf: Map<string, string[]>;

  beforeAll(async () => {
    vitest = await createVitest('test', { root: repositoryRoot, watch: false, config: join(repositoryRoot, 'vitest.config.ts') });
    projectsOf = new Map();
    for (const specification of await vitest.globTestSpecifications()) {
      const file = relative(repositoryRoot, specification.moduleId);
      projectsOf.set(file, [...(projectsOf.get(file) ?? []), specification.project.name]);
    }
  });

  afterAll(async () => {
    await vitest?.close();
  });

  it('are the two projects of the config', () => {
    expect(vitest.projects.map((project) => project.name).sort()).toEqual(['proof', 'quick']);
  });

  it('hold every test file of the tree exactly once', async () => {
    const files = await testFilesUnder(join(repositoryRoot, 'test'));
    const placement = Object.fromEntries(files.map((file) => [file, projectsOf.get(file) ?? []]));
    const misplaced = Object.entries(placement).filter(([, projects]) => projects.length !== 1);
    expect(misplaced).toEqual([]);
    expect([...projectsOf.keys()].sort()).toEqual(files);
  });

  it.each([
    ['test/load/redirect-and-conversions.test.ts', 'proof'],
    ['test/faults/poison-message.test.ts', 'proof'],
    ['test/fuzz/public-routes.fuzz.test.ts', 'proof'],
    ['test/browser/tracking-script.test.ts', 'proof'],
    ['test/bench/reports-at-scale.test.ts', 'proof'],
    ['test/integration/end-to-end.test.ts', 'proof'],
    ['test/integration/click-pipeline.test.ts', 'proof'],
    ['test/integration/webhook-concurrency.test.ts', 'proof'],
    ['test/integration/conversion-before-click.test.ts', 'quick'],
    ['test/functions/domain/money/money.test.ts', 'quick'],
    ['test/functions/handlers/redirect.test.ts', 'quick'],
    ['test/suites.test.ts', 'quick'],
  ])('put %s in %s', (file, project) => {
    expect(projectsOf.get(file)).toEqual([project]);
  });
});
