// @ts-check
// The layering of src-main, lowest first, read by the ESLint rule (eslint.config.js) and by the
// import-graph check (test/architecture.test.ts). A file imports only from its own folder or a
// lower layer; folders listed together in one layer are peers and do not import each other.

/** Inside src-main/core. */
const CORE_LAYERS = [
  'paths',
  'logging',
  'errors',
  'config',
  'store',
  'plex',
  'metrics',
  'media',
  ['account', 'sync', 'maintenance', 'artwork'],
  'discovery',
  'service',
  'api',
  'core-services',
  'app-core',
];

/** src-main: the core, web mode over it, and the two shells that start them. */
const MAIN_LAYERS = ['core', 'web', ['app', 'cli']];

/** The IPC contract is the API's business: nothing below the service layer speaks it. */
const IPC_BELOW_SERVICE = {
  from: [
    'paths',
    'logging',
    'errors',
    'config',
    'store',
    'plex',
    'metrics',
    'media',
    'sync',
    'maintenance',
    'artwork',
  ],
  pattern: '^src-shared/ipc/',
  message:
    'below the service layer nothing imports the IPC contract: return domain types, let api/ build the views.',
};

/**
 * Known upward imports, each with the change that ends it. The rule lets exactly these through
 * (file -> folder) and nothing else; the list is meant to shrink to nothing.
 */
/** @type {{ from: string, to: string, reason: string }[]} */
const CORE_ALLOWED = [];

module.exports = { CORE_LAYERS, MAIN_LAYERS, IPC_BELOW_SERVICE, CORE_ALLOWED };
