/**
 * Data keys wrapped by a local key file, for the one-machine platform: `$DATA_DIR/payment-data.key`,
 * 32 random bytes created on first use with mode 0600 (and never overwritten: the `wx` flag makes
 * two starting processes agree on one key). Losing the file loses every sealed record: it lives
 * beside the database it protects and is backed up with it.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataKeyProvider } from '../../ports/payment-data-cipher.js';
import { contextBytes } from './create-envelope-cipher.js';

export const localKeyFileName = 'payment-data.key';

async function loadOrCreateKey(file: string): Promise<Buffer> {
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, randomBytes(32), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = await readFile(file);
  if (key.length !== 32) throw new Error(`${file} is not a 32-byte key`);
  return key;
}

export function createLocalKeyFileDataKeyProvider({ dataDir }: { dataDir: string }): DataKeyProvider {
  const file = path.join(dataDir, localKeyFileName);
  let loading: Promise<{ key: Buffer; keyId: string }> | undefined;
  const master = () =>
    (loading ??= loadOrCreateKey(file).then((key) => ({ key, keyId: `local:${createHash('sha256').update(key).digest('hex').slice(0, 16)}` })));
  return {
    kind: 'local',
    async generateDataKey(context) {
      const { key, keyId } = await master();
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(contextBytes(context));
      const wrapped = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return { plaintext, wrapped, keyId };
    },
    async unwrapDataKey({ wrapped, keyId, context }) {
      const { key, keyId: current } = await master();
      if (keyId !== current) throw new Error(`sealed under ${keyId}, the key file is ${current}`);
      const bytes = Buffer.from(wrapped);
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAAD(contextBytes(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
    },
  };
}
