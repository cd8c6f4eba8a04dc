// `npm run fake-plex -- --port 32400 --movies 5000 --shows 1000 --episodes 17000 --latency 20`
import { Command, InvalidArgumentError } from 'commander';
import { startFakePlex, type FakePlex, type FakePlexOptions } from './index';

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

function rate(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

export function printBanner(
  fake: FakePlex,
  startMs: number,
  log: (line: string) => void = console.log,
): void {
  const lib = fake.library;
  const counts = {
    movie: lib.list(1, 'movie').length,
    show: lib.list(2, 'show').length,
    season: lib.list(2, 'season').length,
    episode: lib.list(2, 'episode').length,
  };
  log(`Fake Plex ready in ${startMs.toFixed(0)} ms`);
  log(`  PMS        ${fake.pmsUrl}   (${fake.serverName}, machineIdentifier ${fake.machineIdentifier})`);
  log(`  plex.tv    ${fake.plexTvUrl}   (browser sign-in page: ${fake.plexTvUrl}/auth)`);
  log(`  token      ${fake.token}`);
  if (fake.gdmPort) log(`  GDM        udp://127.0.0.1:${fake.gdmPort}`);
  if (fake.sharedServer) log(`  shared PMS ${fake.sharedServer.pmsUrl}   token ${fake.sharedServer.token}`);
  log(
    `  library    ${counts.movie} movies, ${counts.show} shows, ${counts.season} seasons, ${counts.episode} episodes`,
  );
  log(`  control    ${fake.pmsUrl}/__control/info   (X-Plex-Token: <token>)`);
}

/** Stops the fake on Ctrl-C / SIGTERM. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function main(): Promise<void> {
  const program = new Command()
    .name('fake-plex')
    .description('Run the fake Plex Media Server and plex.tv on loopback')
    .option('--port <n>', 'PMS port', int, 32400)
    .option('--plex-tv-port <n>', 'fake plex.tv port (0 = random)', int, 0)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--movies <n>', 'movies', int, 5000)
    .option('--shows <n>', 'shows', int, 1000)
    .option('--episodes <n>', 'episodes in total', int, 17000)
    .option('--seed <n>', 'library and fault seed', int, 42)
    .option('--latency <ms>', 'latency added to every answer', int, 0)
    .option('--error-rate <r>', 'share of PMS answers that are 500/503', rate, 0)
    .option('--token <token>', 'account token (default: derived from the seed)')
    .option('--gdm [port]', 'answer GDM M-SEARCH on this UDP port (default random)')
    .option('--shared', 'also run a server shared by another account')
    .option('--pin-min-poll <ms>', 'answer 429 when a PIN is polled faster than this', int);
  program.parse();
  const o = program.opts<{
    port: number;
    plexTvPort: number;
    host: string;
    movies: number;
    shows: number;
    episodes: number;
    seed: number;
    latency: number;
    errorRate: number;
    token?: string;
    gdm?: boolean | string;
    shared?: boolean;
    pinMinPoll?: number;
  }>();
  const options: FakePlexOptions = {
    port: o.port,
    plexTvPort: o.plexTvPort,
    host: o.host,
    movies: o.movies,
    shows: o.shows,
    episodes: o.episodes,
    seed: o.seed,
    latencyMs: o.latency,
    token: o.token,
    sharedServer: o.shared ?? false,
    pinMinPollIntervalMs: o.pinMinPoll,
    faults: o.errorRate ? { errorRate: o.errorRate } : undefined,
    gdm: o.gdm === undefined ? false : o.gdm === true ? true : { port: int(String(o.gdm)) },
  };
  const started = performance.now();
  const fake = await startFakePlex(options);
  printBanner(fake, performance.now() - started);
  console.log('Press Ctrl-C to stop.');
  stopOnSignals(() => fake.stop());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`fake-plex: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
