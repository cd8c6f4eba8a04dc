// A token vault in one JSON file that only the user may read (0600): the CLI's vault, and the
// storage underneath the encrypted vault. Wider permissions found on disk are narrowed before the
// file is read; when they cannot be, the vault refuses to use the file.
import { chmod, lstat, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { FileSystemError } from '../errors/errors';
import { registerSecret } from '../logging/redact';
import type { TokenVault } from './vault';
import { VaultEntryUnreadableError } from './vault-errors';

export const VAULT_FILE = 'tokens.json';

export interface VaultEntry {
  /** plain = the token as is (file permissions protect it); cipher = base64 of encrypted bytes. */
  scheme: 'plain' | 'cipher';
  data: string;
}

export interface VaultCodec {
  readonly scheme: VaultEntry['scheme'];
  encode(token: string): VaultEntry;
  decode(entry: VaultEntry): string;
}

const plainCodec: VaultCodec = {
  scheme: 'plain',
  encode: (token) => ({ scheme: 'plain', data: token }),
  decode: (entry) => {
    if (entry.scheme !== 'plain') {
      throw new VaultEntryUnreadableError(
        'the Plex token was stored encrypted by the desktop app and the command line cannot read it: ' +
          'use the app, or run `retrovue login` to sign in here too',
      );
    }
    return entry.data;
  },
};

const fileSchema = z.object({
  version: z.literal(1),
  entries: z.record(z.string(), z.object({ scheme: z.enum(['plain', 'cipher']), data: z.string() })),
});
type VaultFile = z.infer<typeof fileSchema>;

const POSIX = process.platform !== 'win32';

/** The CLI/headless vault: tokens in `file`, mode 0600, inside a 0700 folder when we create it. */
export function createFileVault(file: string, codec: VaultCodec = plainCodec): TokenVault {
  // One read-modify-write at a time inside this process.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  async function load(): Promise<VaultFile> {
    let text: string;
    try {
      await ensurePrivate(file);
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: {} };
      if (err instanceof FileSystemError) throw err;
      throw new FileSystemError(`cannot read the token vault ${file}: ${(err as Error).message}`, err);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new FileSystemError(`the token vault ${file} is not valid JSON; remove it and sign in again`);
    }
    const checked = fileSchema.safeParse(parsed);
    if (!checked.success) {
      throw new FileSystemError(`the token vault ${file} has an unknown layout; remove it and sign in again`);
    }
    return checked.data;
  }

  async function save(content: VaultFile): Promise<void> {
    try {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
      if (POSIX) await chmod(file, 0o600);
    } catch (err) {
      throw new FileSystemError(`cannot write the token vault ${file}: ${(err as Error).message}`, err);
    }
  }

  return {
    get isEncrypted() {
      return codec.scheme === 'cipher';
    },
    get: (ref) =>
      serial(async () => {
        const entry = (await load()).entries[ref];
        if (!entry) return null;
        const token = codec.decode(entry);
        registerSecret(token);
        return token;
      }),
    set: (ref, token) =>
      serial(async () => {
        if (!token) throw new FileSystemError('refusing to store an empty token');
        registerSecret(token);
        const content = await load();
        content.entries[ref] = codec.encode(token);
        await save(content);
      }),
    delete: (ref) =>
      serial(async () => {
        const content = await load();
        if (!(ref in content.entries)) return;
        delete content.entries[ref];
        await save(content);
      }),
  };
}

/**
 * Narrows a vault file readable by group/others to 0600; refuses it when that is not possible, and
 * refuses a symbolic link outright (fixing its mode would chmod whatever file it points at).
 */
async function ensurePrivate(file: string): Promise<void> {
  if ((await lstat(file)).isSymbolicLink()) {
    throw new FileSystemError(
      `the token vault ${file} is a symbolic link; refusing to use it (remove it and sign in again)`,
    );
  }
  if (!POSIX) return;
  const st = await stat(file);
  if ((st.mode & 0o077) === 0) return;
  try {
    await chmod(file, 0o600);
  } catch (err) {
    throw new FileSystemError(
      `the token vault ${file} is readable by other users and its permissions cannot be fixed: ${(err as Error).message}`,
      err,
    );
  }
  const after = await stat(file);
  if ((after.mode & 0o077) !== 0) {
    throw new FileSystemError(`the token vault ${file} is readable by other users; refusing to use it`);
  }
}
