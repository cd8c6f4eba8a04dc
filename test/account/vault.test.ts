import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileVault } from '../../src-main/core/account/file-vault';
import { createEncryptedVault, type StringCipher } from '../../src-main/core/account/encrypted-vault';
import { VaultEntryUnreadableError, VaultUnavailableError } from '../../src-main/core/account/vault';
import { FileSystemError } from '../../src-main/core/errors/errors';
import { tempDir } from '../helpers/temp';

const posix = process.platform !== 'win32';
const TOKEN = 'vault-test-token-Zq81xPw';

/** A reversible cipher whose output never contains the plain text (XOR + marker). */
function testCipher(available = true): StringCipher & { available: boolean } {
  return {
    available,
    isEncryptionAvailable() {
      return this.available;
    },
    encryptString: (s) => Buffer.concat([Buffer.from('ENC1'), Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)]),
    decryptString: (b) => {
      if (b.subarray(0, 4).toString() !== 'ENC1') throw new Error('not ours');
      return Buffer.from(b.subarray(4).map((x) => x ^ 0x5a)).toString('utf8');
    },
  };
}

describe('file vault', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const dir = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return t.dir;
  };

  it('stores, reads and deletes tokens in a 0600 file', async () => {
    const file = join(dir(), 'sub', 'tokens.json');
    const vault = createFileVault(file);
    expect(vault.isEncrypted).toBe(false);
    expect(await vault.get('account:a')).toBeNull();
    await vault.set('account:a', TOKEN);
    await vault.set('server:b', 'other-token-123456');
    expect(await vault.get('account:a')).toBe(TOKEN);
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    await vault.delete('account:a');
    expect(await vault.get('account:a')).toBeNull();
    expect(await vault.get('server:b')).toBe('other-token-123456');
    // A second vault on the same file sees the same contents (persisted, not in memory).
    expect(await createFileVault(file).get('server:b')).toBe('other-token-123456');
  });

  it('keeps every write when many happen at once', async () => {
    const vault = createFileVault(join(dir(), 'tokens.json'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => vault.set(`server:${i}`, `token-number-${i}`)));
    for (let i = 0; i < 20; i++) expect(await vault.get(`server:${i}`)).toBe(`token-number-${i}`);
  });

  it.runIf(posix)('narrows a vault file that others can read back to 0600 before using it', async () => {
    const file = join(dir(), 'tokens.json');
    const vault = createFileVault(file);
    await vault.set('account:a', TOKEN);
    chmodSync(file, 0o644);
    expect(await vault.get('account:a')).toBe(TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.runIf(posix)(
    'refuses a vault that is a symbolic link and never changes the file it points at',
    async () => {
      const d = dir();
      const target = join(d, 'elsewhere.json');
      writeFileSync(target, JSON.stringify({ version: 1, entries: {} }), { mode: 0o644 });
      const file = join(d, 'tokens.json');
      symlinkSync(target, file);
      const vault = createFileVault(file);
      await expect(vault.get('account:a')).rejects.toThrow(/is a symbolic link; refusing to use it/);
      await expect(vault.set('account:a', TOKEN)).rejects.toThrow(FileSystemError);
      expect(statSync(target).mode & 0o777).toBe(0o644);
      expect(readFileSync(target, 'utf8')).not.toContain(TOKEN);
    },
  );

  it('refuses a corrupt vault file instead of overwriting it', async () => {
    const file = join(dir(), 'tokens.json');
    writeFileSync(file, '{not json', { mode: 0o600 });
    const vault = createFileVault(file);
    await expect(vault.get('x')).rejects.toBeInstanceOf(FileSystemError);
    await expect(vault.set('x', TOKEN)).rejects.toBeInstanceOf(FileSystemError);
    expect(readFileSync(file, 'utf8')).toBe('{not json');
  });
});

describe('encrypted vault (safeStorage-style cipher)', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const file = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return join(t.dir, 'tokens.json');
  };

  it('stores only cipher text on disk and reads it back', async () => {
    const f = file();
    const vault = createEncryptedVault(testCipher(), f);
    expect(vault.isEncrypted).toBe(true);
    await vault.set('account:a', TOKEN);
    const raw = readFileSync(f, 'utf8');
    expect(raw).not.toContain(TOKEN);
    expect(raw).toContain('"cipher"');
    expect(await vault.get('account:a')).toBe(TOKEN);
    if (posix) expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it('refuses to store without encryption unless the person allowed plaintext', async () => {
    const f = file();
    const strict = createEncryptedVault(testCipher(false), f);
    expect(strict.isEncrypted).toBe(false);
    await expect(strict.set('account:a', TOKEN)).rejects.toBeInstanceOf(VaultUnavailableError);
    const lenient = createEncryptedVault(testCipher(false), f, { allowPlaintextFallback: true });
    await lenient.set('account:a', TOKEN);
    expect(await lenient.get('account:a')).toBe(TOKEN);
    expect(JSON.parse(readFileSync(f, 'utf8')).entries['account:a'].scheme).toBe('plain');
  });

  it('says so when encrypted entries cannot be decrypted any more', async () => {
    const f = file();
    const cipher = testCipher();
    const vault = createEncryptedVault(cipher, f);
    await vault.set('account:a', TOKEN);
    cipher.available = false;
    await expect(vault.get('account:a')).rejects.toBeInstanceOf(VaultEntryUnreadableError);
  });

  it('shares its file with the CLI vault: encrypted entries are unreadable there, plain ones are read', async () => {
    const f = file();
    await createEncryptedVault(testCipher(), f).set('account:a', TOKEN);
    const cli = createFileVault(f);
    await expect(cli.get('account:a')).rejects.toBeInstanceOf(VaultEntryUnreadableError);
    await cli.set('account:a', 'cli-login-token-99');
    expect(await createEncryptedVault(testCipher(), f).get('account:a')).toBe('cli-login-token-99');
  });
});
