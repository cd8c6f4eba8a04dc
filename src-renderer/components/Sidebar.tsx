import { useErrors, useLibraries, useUi } from '../stores';
import { ROUTES, type Route } from '../stores/ui-store';
import { Icon } from './icons';

const LABELS: Record<Route, string> = {
  libraries: 'Libraries',
  items: 'Items',
  schedules: 'Schedules',
  errors: 'Errors',
  activity: 'Activity',
  settings: 'Settings',
  about: 'About',
};

export function Sidebar() {
  const route = useUi((s) => s.route);
  const navigate = useUi((s) => s.navigate);
  const running = useLibraries((s) => s.queue.filter((q) => q.status === 'running').length);
  // The errors page's own count, when it is unfiltered: every open error.
  const openErrors = useErrors((s) => {
    const f = s.filters;
    const unfiltered = !f.includeResolved && !f.errorClass && !f.serverId && !f.libraryId && !f.days;
    return unfiltered ? s.total : null;
  });
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ▶
        </span>
        <span>RetroVue</span>
      </div>
      <ul>
        {ROUTES.map((name) => (
          <li key={name}>
            <a
              href={`#/${name}`}
              className={route === name ? 'active' : undefined}
              aria-current={route === name ? 'page' : undefined}
              title={LABELS[name]}
              onClick={(e) => {
                e.preventDefault();
                navigate(name);
              }}
            >
              <Icon name={name} />
              <span>{LABELS[name]}</span>
              {name === 'libraries' && running > 0 ? (
                <span className="nav-count nav-live" aria-label={`${running} syncing`}>
                  {running}
                </span>
              ) : null}
              {name === 'errors' && openErrors ? (
                <span
                  className="nav-count"
                  aria-label={`${openErrors} open error${openErrors === 1 ? '' : 's'}`}
                >
                  {openErrors}
                </span>
              ) : null}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
