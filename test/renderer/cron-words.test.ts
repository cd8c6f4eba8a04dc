// Cron and schedule words: what is wrong said in plain language, and the jitter named.
import { describe, expect, it } from 'vitest';
import { cronProblem, jitterWords } from '../../src-shared/cron-words';
import { describeCron } from '../../src-main/core/service/cron';

/** What the page shows for an expression: main's verdict put into words. */
const shown = (cron: string) => cronProblem(cron, describeCron(cron).description);

describe('cron problems in words', () => {
  it('names the part at fault instead of croner’s message', () => {
    expect(describeCron('99 * * * *').description).toMatch(/invalid cron expression/);
    expect(shown('99 * * * *')).toBe('The minute must be 0–59.');
    expect(shown('0 25 * * *')).toBe('The hour must be 0–23.');
    expect(shown('0 3 * * 9')).toBe('Pick days 0–6 (Sunday is 0).');
    expect(shown('0 3 * *')).toMatch(/^Use five parts/);
    expect(shown('0 3 * * ,')).toBe('Pick at least one day.');
    expect(shown('* * * * *')).toBe('That runs too often: leave at least 5 minutes between runs.');
    expect(shown('')).toMatch(/^Enter when to run/);
    for (const c of ['99 * * * *', '0 3 * *', '* * * * *'])
      expect(shown(c)).not.toMatch(/CronPattern|invalid/i);
  });

  it('says how much later a run may start', () => {
    expect(jitterWords(900)).toBe('up to 15 min later, to spread the load');
    expect(jitterWords(0)).toBeNull();
  });
});
