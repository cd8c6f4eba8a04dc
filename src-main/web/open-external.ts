// Opens a URL or a folder with the system's default handler, for the parts of the app that run
// without Electron (`retrovue serve --open`, "open logs folder" in web mode).
import { spawn } from 'node:child_process';

export function openWithSystem(target: string): Promise<void> {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [target]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', target]]
        : ['xdg-open', [target]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
    child.once('error', (err) => reject(new Error(`cannot run ${command}: ${err.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
