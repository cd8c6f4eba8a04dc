// Electron main entry (dist/main/main.js).
import { app, dialog } from 'electron';
import { describeError } from '../core/errors/errors';
import { runApp } from './app-main';

runApp().catch((err: unknown) => {
  // A desktop user has no terminal: say it in a dialog (safe before or after 'ready').
  const message = describeError(err);
  process.stderr.write(`RetroVue could not start: ${message}\n`);
  dialog.showErrorBox('RetroVue could not start', message);
  app.exit(1);
});
