import { Cli } from 'commander';
