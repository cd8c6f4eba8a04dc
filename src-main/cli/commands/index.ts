import type { Command } from 'commander';
import type { CliContext } from '../context';
import { registerArtwork } from './artwork';
import { registerCleanup } from './cleanup';
import { registerConfig } from './config';
import { registerDaemon } from './daemon';
import { registerDoctor } from './doctor';
import { registerHealth } from './health';
import { registerHistory } from './history';
import { registerLibraries } from './libraries';
import { registerLogin } from './login';
import { registerLogout } from './logout';
import { registerMaintenance } from './maintenance';
import { registerRestore } from './restore';
import { registerSchedules } from './schedules';
import { registerServe } from './serve';
import { registerServers } from './servers';
import { registerStats } from './stats';
import { registerStatus } from './status';
import { registerSync } from './sync';

export type RegisterCommand = (program: Command, ctx: () => CliContext) => void;

/** Every CLI command, one module each. */
export const COMMANDS: RegisterCommand[] = [
  registerStatus,
  registerDoctor,
  registerLogin,
  registerLogout,
  registerServers,
  registerLibraries,
  registerSchedules,
  registerStats,
  registerConfig,
  registerCleanup,
  registerRestore,
  registerHistory,
  registerMaintenance,
  registerHealth,
  registerServe,
  registerSync,
  registerArtwork,
  registerDaemon,
];
