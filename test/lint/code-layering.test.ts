// The layering rule itself: ESLint's API with the project's own eslint.config.js, run on fixture
// sources placed (virtually) in the tree, must reject an upward or sideways import and accept a
// downward one.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, 'eslint.config.js') });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId?.endsWith('/code-layering')).map((m) => m.message);
}

describe('the code-layering lint rule', () => {
  it('rejects an upward import: store importing from sync', async () => {
    const errors = await layeringErrors(
      'src-main/core/store/repositories/fixture.ts',
      "import { createSyncEngine } from '../../sync/engine';\nexport const x = createSyncEngine;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/'store' is in layer \d+ .*may not import 'sync'/)]);
  });

  it('rejects a type-only upward import and a re-export just the same', async () => {
    const errors = await layeringErrors(
      'src-main/core/plex/fixture.ts',
      "import type { SyncService } from '../service/sync-service';\nexport type S = SyncService;\nexport * from '../api/handlers';\n",
    );
    expect(errors).toHaveLength(2);
  });

  it('rejects an import between peers of one layer', async () => {
    const errors = await layeringErrors(
      'src-main/core/sync/fixture.ts',
      "import { runCleanup } from '../maintenance/cleanup';\nexport const x = runCleanup;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/peers in one layer/)]);
  });

  it('rejects the IPC contract below the service layer', async () => {
    const errors = await layeringErrors(
      'src-main/core/store/fixture.ts',
      "import type { ItemRow } from '../../../src-shared/ipc/contract';\nexport type R = ItemRow;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/IPC contract/)]);
  });

  it('rejects core reaching up into web mode or a shell', async () => {
    const errors = await layeringErrors(
      'src-main/core/service/fixture.ts',
      "import { startServeMode } from '../../web/serve-mode';\nexport const x = startServeMode;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/'core' is in layer 0 .*may not import 'web'/)]);
  });

  it('accepts downward imports and imports inside one folder', async () => {
    const errors = await layeringErrors(
      'src-main/core/sync/fixture.ts',
      [
        "import { openStore } from '../store/database';",
        "import { getLogger } from '../logging/logger';",
        "import { SyncEngine } from './engine';",
        'export const x = [openStore, getLogger, SyncEngine];',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
  });

  it('lets no store file import the media layer, the writer that used to included', async () => {
    const code = "import { transition } from '../../media/states';\nexport const x = transition;\n";
    for (const file of ['media-writer.ts', 'seen-keys.ts', 'other-repository.ts']) {
      expect(await layeringErrors(`src-main/core/store/repositories/${file}`, code)).toEqual([
        expect.stringMatching(/'store' is in layer \d+ .*may not import 'media'/),
      ]);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require('./layers') as { CORE_ALLOWED: unknown[] }).CORE_ALLOWED).toEqual([]);
  });

  it('names a folder that is in no layer', async () => {
    const errors = await layeringErrors(
      'src-main/core/newthing/fixture.ts',
      "import { getLogger } from '../logging/logger';\nexport const x = getLogger;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/'newthing' under src-main\/core is in no layer/)]);
  });
});
