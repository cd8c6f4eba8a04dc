import type { PathRecheckView } from '../../src-shared/ipc/contract';

/** What saving the path mappings did to the stored files, in one line. */
export function recheckWords(r: PathRecheckView): string {
  const items = (n: number) => `${n} ${n === 1 ? 'item' : 'items'}`;
  if (r.files === 0) return 'Path mappings saved. No files are stored yet; the first sync uses them.';
  const parts = [`${items(r.becameAvailable)} became available`];
  if (r.becameUnavailable) parts.push(`${items(r.becameUnavailable)} are no longer found here`);
  return `Path mappings saved and ${r.files} ${r.files === 1 ? 'file' : 'files'} checked: ${parts.join(', ')}.`;
}
