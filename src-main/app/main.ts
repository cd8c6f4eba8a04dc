// Electron main entry (dist/main/main.js).
import { app } from 'electron';
import { describeError } from '../core/errors/errors';
import { runApp } from './app-main';

runApp().catch((err: unknown) => {
  process.stderr.write(`RetroVue could not start: ${describeError(err)}\n`);
  app.exit(1);
});
