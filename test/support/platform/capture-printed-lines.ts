import { vi } from 'vitest';

/**
 * Takes over stdout and stderr (Powertools writes INFO, DEBUG and EMF to stdout, WARN and ERROR to
 * stderr, as Lambda ships both) and hands every non-empty line written to `onLine`, until
 * `vi.restoreAllMocks()`. Call it from a `beforeEach` or `beforeAll`.
 */
export function capturePrintedLines(onLine: (line: string) => void): void {
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) onLine(line);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
}
