/**
 * Short codes: 8 base62 characters from the OS CSPRNG (62^8 ≈ 2.2e14 codes, ~47.6 bits), drawn
 * by rejection sampling so every character is uniform. Unguessable, and collisions are retried
 * against the database's unique constraint.
 */
import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const shortCodeLength = 8;

export function generateShortCode({
  length = shortCodeLength,
  random = randomBytes,
}: { length?: number; random?: (size: number) => Buffer } = {}): string {
  let code = '';
  while (code.length < length) {
    for (const byte of random(length * 2)) {
      // 248 = 4 * 62: bytes at or above it would bias the first characters.
      if (byte < 248 && code.length < length) code += alphabet[byte % 62];
    }
  }
  return code;
}
