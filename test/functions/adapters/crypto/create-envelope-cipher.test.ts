/**
 * Envelope encryption over both key-encryption backends: the local key file (real files, 0600)
 * and KMS (aws-sdk-client-mock playing GenerateDataKey / Decrypt, since KMS cannot run here).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnvelopeCipher } from '../../../../functions/adapters/crypto/create-envelope-cipher.js';
import { createLocalKeyFileDataKeyProvider, localKeyFileName } from '../../../../functions/adapters/crypto/create-local-key-file-data-key-provider.js';
import { paymentDataCipherFromEnv } from '../../../../functions/adapters/crypto/payment-data-cipher-from-env.js';
import { PaymentDataDecryptionError } from '../../../../functions/ports/payment-data-cipher.js';

const details = { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', account_holder: 'Zoë Ünal' };
const context = { partner_id: '42' };
const newDir = () => mkdtemp(path.join(tmpdir(), 'affiliate-keyfile-'));

describe('local key file', () => {
  it('creates $DATA_DIR/payment-data.key (32 bytes, mode 0600) on first use and reuses it', async () => {
    const dataDir = await newDir();
    const cipher = createEnvelopeCipher(createLocalKeyFileDataKeyProvider({ dataDir }));
    const sealed = await cipher.seal(details, context);
    const file = path.join(dataDir, localKeyFileName);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file)).length).toBe(32);
    // Another process (a restart) with the same DATA_DIR opens what this one sealed.
    const restarted = createEnvelopeCipher(createLocalKeyFileDataKeyProvider({ dataDir }));
    expect(await restarted.open(sealed, context)).toEqual(details);
  });

  it('round-trips any details; every seal uses a new data key and IV; nothing readable is stored', async () => {
    const cipher = createEnvelopeCipher(createLocalKeyFileDataKeyProvider({ dataDir: await newDir() }));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 60, unit: 'binary' }), { maxKeys: 6 }), async (value) => {
        const a = await cipher.seal(value, context);
        const b = await cipher.seal(value, context);
        expect(a.wrapped_key).not.toBe(b.wrapped_key);
        expect(a.iv).not.toBe(b.iv);
        for (const text of Object.values(value).filter((v) => v.length >= 8)) expect(JSON.stringify(a)).not.toContain(text);
        expect(await cipher.open(a, context)).toEqual(value);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses another context, a tampered ciphertext, and another key file', async () => {
    const dataDir = await newDir();
    const cipher = createEnvelopeCipher(createLocalKeyFileDataKeyProvider({ dataDir }));
    const sealed = await cipher.seal(details, context);
    await expect(cipher.open(sealed, { partner_id: '43' })).rejects.toBeInstanceOf(PaymentDataDecryptionError);
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    await expect(cipher.open({ ...sealed, ciphertext: flipped.toString('base64') }, context)).rejects.toThrow(/does not authenticate/);
    const otherDir = await newDir();
    await writeFile(path.join(otherDir, localKeyFileName), randomBytes(32), { mode: 0o600 });
    const other = createEnvelopeCipher(createLocalKeyFileDataKeyProvider({ dataDir: otherDir }));
    await expect(other.open(sealed, context)).rejects.toThrow(/could not be unwrapped/);
  });
});

describe('KMS', () => {
  const kms = mockClient(KMSClient);
  afterEach(() => kms.reset());
  const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  /** KMS's behaviour for one key: the wrapped blob is only opened with the same encryption context. */
  function playKms() {
    const issued = new Map<string, { plaintext: Uint8Array; context: string }>();
    kms.on(GenerateDataKeyCommand).callsFake((input) => {
      const plaintext = randomBytes(32);
      const blob = randomBytes(48);
      issued.set(blob.toString('hex'), { plaintext: Uint8Array.from(plaintext), context: JSON.stringify(input.EncryptionContext) });
      return { KeyId: keyArn, Plaintext: plaintext, CiphertextBlob: blob };
    });
    kms.on(DecryptCommand).callsFake((input) => {
      const entry = issued.get(Buffer.from(input.CiphertextBlob).toString('hex'));
      if (!entry || entry.context !== JSON.stringify(input.EncryptionContext)) throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
      return { KeyId: keyArn, Plaintext: Uint8Array.from(entry.plaintext) };
    });
  }

  it('asks GenerateDataKey for an AES_256 key under PAYMENT_DATA_KEY_ARN with the context, and Decrypt pins the key', async () => {
    playKms();
    const cipher = paymentDataCipherFromEnv({ PAYMENT_DATA_KEY_ARN: keyArn }, new KMSClient({ region: 'eu-west-1' }))!;
    const sealed = await cipher.seal(details, context);
    expect(sealed).toMatchObject({ kek: 'kms', key_id: keyArn });
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toEqual({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context });
    expect(await cipher.open(sealed, context)).toEqual(details);
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input).toMatchObject({ KeyId: keyArn, EncryptionContext: context });
    await expect(cipher.open(sealed, { partner_id: '7' })).rejects.toBeInstanceOf(PaymentDataDecryptionError);
  });

  it('a record sealed by the local key file is not sent to KMS, and no variable means no cipher', async () => {
    playKms();
    const local = await createEnvelopeCipher(createLocalKeyFileDataKeyProvider({ dataDir: await newDir() })).seal(details, context);
    const cipher = paymentDataCipherFromEnv({ PAYMENT_DATA_KEY_ARN: keyArn }, new KMSClient({ region: 'eu-west-1' }))!;
    await expect(cipher.open(local, context)).rejects.toThrow(/local key/);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
    expect(paymentDataCipherFromEnv({})).toBeUndefined();
  });
});
