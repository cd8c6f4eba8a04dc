/** electron-builder.yml's appId; also the Windows AppUserModelID notifications are shown under. */
export const APP_USER_MODEL_ID = 'tv.retrovue.plexsync';
