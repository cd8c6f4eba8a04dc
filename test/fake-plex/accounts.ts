import { Rng, hashSeed } from './rng';

export interface FakeUser {
  id: number;
  uuid: string;
  username: string;
  title: string;
  email: string;
  friendlyName: string;
  /** Path of the avatar on the fake plex.tv (real plex.tv: https://plex.tv/users/<uuid>/avatar?c=...). */
  avatarPath: string;
}

/**
 * The plex.tv account and its tokens. Tokens stay valid until revoked; revoking one makes plex.tv and the
 * owned fake PMS answer 401 for it. Each approved PIN mints a new token, as Plex does per device.
 */
export class Accounts {
  readonly user: FakeUser;
  private readonly valid = new Set<string>();
  private readonly revoked = new Set<string>();
  private readonly rng: Rng;

  constructor(
    seed: number,
    readonly primaryToken: string,
  ) {
    this.rng = new Rng(hashSeed(seed, 'tokens'));
    this.valid.add(primaryToken);
    const hex = new Rng(hashSeed(seed, 'user')).hex(16);
    this.user = {
      id: 1_000_000 + (hashSeed(seed, 'uid') % 9_000_000),
      uuid: hex,
      username: 'retro_tester',
      title: 'retro_tester',
      email: 'retro.tester@example.invalid',
      friendlyName: 'Retro Tester',
      avatarPath: `/users/${hex}/avatar?c=1700000000`,
    };
  }

  /** A fresh account token (20 chars, like classic Plex tokens). */
  mint(): string {
    const token = this.rng.alnum(20, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
    this.valid.add(token);
    return token;
  }

  isValid(token: string | undefined): boolean {
    return token !== undefined && this.valid.has(token) && !this.revoked.has(token);
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** Undoes a revoke (tests that recover after an auth failure). */
  restore(token: string): void {
    this.revoked.delete(token);
    this.valid.add(token);
  }
}
