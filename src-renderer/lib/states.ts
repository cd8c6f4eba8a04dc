// What each item state means and how to fix it, said where the state is shown.
import type { MediaState } from '../../src-shared/domain';

export const STATE_LABEL: Record<MediaState, string> = {
  normal: 'Available',
  remote_only: 'Remote only',
  scanning: 'Scanning',
  unavailable: 'Unavailable',
  file_not_found: 'File not found',
  error: 'Error',
  trashed: 'In Plex trash',
};

export const STATE_HELP: Record<MediaState, { why: string; fix: string | null }> = {
  normal: { why: 'The file is on this computer at the path shown.', fix: null },
  remote_only: {
    why: 'Plex has this file, but no path mapping says where it is on this computer.',
    fix: 'Add a path mapping from the Plex folder to the local folder (Libraries → Add server → Path mappings).',
  },
  scanning: {
    why: 'Plex is still scanning this item.',
    fix: 'Wait for Plex to finish; the next sync picks it up.',
  },
  // As the engine decides them (src-main/core/media/states.ts): a mapped path that is not there
  // here is unavailable; an item a complete listing of Plex no longer has is file_not_found.
  unavailable: {
    why: 'A path mapping says where this file is on this computer, but nothing is there (the share or drive is not mounted, or the mapping is wrong).',
    fix: 'Mount the share or drive, or correct the path mapping, then save it to check again.',
  },
  file_not_found: {
    why: 'Plex no longer lists this item: it was removed from the library on the server. RetroVue keeps its record for a while, then archives it.',
    fix: 'Nothing to do, unless it was removed by mistake: put it back in Plex and sync.',
  },
  error: {
    why: 'Plex sent data for this item that RetroVue could not read.',
    fix: 'Refresh the item’s metadata in Plex; the next sync tries again.',
  },
  trashed: {
    why: 'Plex lists this item but its file is gone; Plex keeps it in its trash until the trash is emptied.',
    fix: 'Put the file back (or remount its share on the Plex server), or empty the trash in Plex to remove it.',
  },
};
