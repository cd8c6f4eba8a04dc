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
  unavailable: {
    why: 'Plex itself marks this file as unavailable (its drive or share is offline on the server).',
    fix: 'Bring the drive or share back on the Plex server, then sync.',
  },
  file_not_found: {
    why: 'The path mapping points to a file that does not exist on this computer.',
    fix: 'Mount the share, or correct the path mapping, then save it to check again.',
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
