import { useEffect, useState } from 'react';
import type { PathReplacement } from '../../src-shared/config-schema';
import { useStores } from '../stores';

const FOLDER_CHECK_DEBOUNCE_MS = 300;

/** "This folder does not exist on this computer" under a local path that is not a folder here. */
function FolderCheck({ path, id }: { path: string; id: string }) {
  const { api } = useStores();
  // The answer is kept with the path it is for: an edited path has no verdict until checked again.
  const [checked, setChecked] = useState<{ path: string; exists: boolean } | null>(null);
  const text = path.trim();
  const missing = !!text && checked?.path === text && !checked.exists;
  useEffect(() => {
    if (!text) return;
    let live = true;
    const t = setTimeout(() => {
      api.invoke('paths:folderExists', { path: text }).then(
        (r) => live && setChecked({ path: text, exists: r.exists }),
        () => live && setChecked(null),
      );
    }, FOLDER_CHECK_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [api, text]);
  return missing ? (
    <p id={id} className="field-warning small" role="status">
      This folder does not exist on this computer. Mount the share or fix the path; files under it show as
      unavailable until then.
    </p>
  ) : null;
}

/** Rows of "Plex path prefix → path on this computer", optionally limited to one server. */
export function PathMappings({
  value,
  onChange,
  serverMachineId,
}: {
  value: PathReplacement[];
  onChange: (next: PathReplacement[]) => void;
  /** When set, new rows apply to this server only and a per-row toggle is shown. */
  serverMachineId?: string;
}) {
  const patch = (index: number, row: Partial<PathReplacement>) =>
    onChange(value.map((r, i) => (i === index ? { ...r, ...row } : r)));
  return (
    <div className="mappings">
      {value.length === 0 ? (
        <p className="muted small">No mappings: Plex's paths are used as they are.</p>
      ) : null}
      {value.map((row, i) => (
        <fieldset key={i} className="mapping-row">
          <legend className="sr-only">Path mapping {i + 1}</legend>
          <label>
            <span className="small muted">Plex path</span>
            <input
              type="text"
              value={row.from}
              placeholder="/data/movies"
              aria-label={`Plex path ${i + 1}`}
              onChange={(e) => patch(i, { from: e.target.value })}
            />
          </label>
          <span className="arrow" aria-hidden="true">
            →
          </span>
          <label>
            <span className="small muted">On this computer</span>
            <input
              type="text"
              value={row.to}
              placeholder="/Volumes/Media/movies"
              aria-label={`Local path ${i + 1}`}
              aria-describedby={`mapping-${i}-folder`}
              onChange={(e) => patch(i, { to: e.target.value })}
            />
            <FolderCheck path={row.to} id={`mapping-${i}-folder`} />
          </label>
          {serverMachineId ? (
            <label className="check">
              <input
                type="checkbox"
                checked={row.server === serverMachineId}
                onChange={(e) => patch(i, { server: e.target.checked ? serverMachineId : undefined })}
              />
              This server only
            </label>
          ) : row.server ? (
            <span className="small muted" title={row.server}>
              for one server only
            </span>
          ) : null}
          <button
            type="button"
            className="icon-btn"
            aria-label={`Remove mapping ${i + 1}`}
            onClick={() => onChange(value.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        className="btn btn-small"
        onClick={() =>
          onChange([...value, { from: '', to: '', ...(serverMachineId ? { server: serverMachineId } : {}) }])
        }
      >
        Add mapping
      </button>
    </div>
  );
}

/** Rows the config schema would reject (empty sides) are kept in the form but not saved. */
export function completeMappings(rows: PathReplacement[]): PathReplacement[] {
  return rows
    .map((r) => ({ ...r, from: r.from.trim(), to: r.to.trim() }))
    .filter((r) => r.from.length > 0 && r.to.length > 0);
}
