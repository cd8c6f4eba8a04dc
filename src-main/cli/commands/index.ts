import type { Command } from 'commander';
import type { CliContext } from '../context';
import { registerDoctor } from './doctor';
import { registerStatus } from './status';

export type RegisterCommand = (program: Command, ctx: () => CliContext) => void;

/** Every CLI command, one module each. */
export const COMMANDS: RegisterCommand[] = [registerStatus, registerDoctor];
