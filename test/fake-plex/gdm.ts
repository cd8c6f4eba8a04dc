import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface GdmInfo {
  machineIdentifier: string;
  name: string;
  httpPort: () => number;
  version: string;
  updatedAt: () => number;
}

/**
 * The PMS side of GDM discovery: any datagram starting with `M-SEARCH` gets the `HTTP/1.0 200 OK` block,
 * unicast back to the sender. Bound to loopback only; it never joins a multicast group.
 */
export class GdmResponder {
  private socket: Socket | undefined;
  /** How many discovery queries were answered: lets a test tell one query from a retry storm. */
  answered = 0;

  constructor(private readonly info: GdmInfo) {}

  async start(port: number, host = '127.0.0.1'): Promise<number> {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      if (!msg.toString('latin1').startsWith('M-SEARCH')) return;
      this.answered += 1;
      socket.send(Buffer.from(this.reply(), 'utf8'), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return (socket.address() as AddressInfo).port;
  }

  reply(): string {
    return [
      'HTTP/1.0 200 OK',
      'Content-Type: plex/media-server',
      `Resource-Identifier: ${this.info.machineIdentifier}`,
      `Name: ${this.info.name}`,
      `Port: ${this.info.httpPort()}`,
      `Updated-At: ${this.info.updatedAt()}`,
      `Version: ${this.info.version}`,
      '',
      '',
    ].join('\r\n');
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
