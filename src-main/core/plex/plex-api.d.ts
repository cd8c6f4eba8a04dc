// Types for the parts of the untyped `plex-api` package (5.x, CommonJS) that server-client.ts uses.
declare module 'plex-api' {
  import type { Agent } from 'node:http';
  import type { IncomingMessage } from 'node:http';

  interface PlexAPIOptions {
    hostname: string;
    port?: number;
    https?: boolean;
    token?: string;
    timeout?: number;
    requestOptions?: { agent?: Agent; [key: string]: unknown };
    responseParser?: (response: IncomingMessage, body: Buffer) => Promise<unknown>;
    options?: {
      identifier: string;
      product?: string;
      version?: string;
      device?: string;
      deviceName?: string;
      platform?: string;
      platformVersion?: string;
    };
  }

  class PlexAPI {
    constructor(options: PlexAPIOptions);
    query(options: { uri: string; extraHeaders?: Record<string, string> }): Promise<unknown>;
  }

  export = PlexAPI;
}
