import { useEffect, useState } from 'react';
import { POSTER_CARD_CSS } from '../../src-shared/artwork-sizes';
import type { ItemRow, LibraryView } from '../../src-shared/ipc/contract';
import { useStores } from '../stores';
import { Poster } from './Poster';

const SHOWN = 5;

/** A few posters of a library's movies or shows on its card (again after each sync). */
export function LibraryPosters({ library }: { library: LibraryView }) {
  const { api } = useStores();
  const [rows, setRows] = useState<ItemRow[]>([]);
  useEffect(() => {
    let live = true;
    api.invoke('items:search', { libraryId: library.id, kind: library.type, limit: SHOWN, offset: 0 }).then(
      (page) => live && setRows(page.rows),
      () => live && setRows([]),
    );
    return () => {
      live = false;
    };
  }, [api, library.id, library.type, library.lastSyncAt]);
  const withPoster = rows.filter((r) => r.pictures.includes('thumb'));
  if (!withPoster.length) return null;
  return (
    <div className="library-posters" aria-hidden="true">
      {withPoster.map((r) => (
        <Poster
          key={r.id}
          itemKind={r.kind}
          itemId={r.id}
          title={r.title}
          available
          width={POSTER_CARD_CSS.width}
        />
      ))}
    </div>
  );
}
