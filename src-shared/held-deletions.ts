// The words for held mass deletions, one sentence for the desktop notification and the page's notice.

export function heldDeletionsText(libraryTitle: string, held: { count: number; stored: number }): string {
  return (
    `Plex no longer lists ${held.count} of ${held.stored} items of ${libraryTitle} (a disk or share offline?). ` +
    'Nothing was removed. If they are really gone, use “Confirm deletions” on the library card; otherwise keep them.'
  );
}
