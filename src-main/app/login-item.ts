// Start at login (config start_at_login): registered with the OS, kept in step with the setting.
import type { App } from 'electron';

export function applyStartAtLogin(app: Pick<App, 'setLoginItemSettings'>, enabled: boolean): void {
  // openAsHidden: start in the tray, the way a background sync tool should.
  app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true, args: enabled ? ['--hidden'] : [] });
}
