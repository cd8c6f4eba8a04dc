// Requests from a renderer or a websocket are checked against strict schemas: an unknown key is a
// mistake or an attack, and must not be ignored (`sync:start {"x":1}` once synced everything).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRequest, requestSchemas, type Channel } from '../../src-shared/ipc/contract';

/** The object schemas inside a request schema (through optional/default wrappers). */
function objectsIn(schema: z.ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable)
    return objectsIn(schema.unwrap() as z.ZodType);
  return [];
}

describe('IPC request schemas', () => {
  it('every object-shaped request refuses unknown keys', () => {
    const loose = (Object.entries(requestSchemas) as [Channel, z.ZodType][])
      .filter(([, schema]) => objectsIn(schema).some((o) => !(o.def.catchall instanceof z.ZodNever)))
      .map(([channel]) => channel);
    expect(loose).toEqual([]);
  });

  it('sync:start with an unknown key is rejected, naming the key', () => {
    const parsed = parseRequest('sync:start', { x: 1 });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('INVALID_ARGUMENT');
      expect(JSON.stringify(parsed.error)).toContain('x');
    }
    expect(parseRequest('sync:start', {}).ok).toBe(true);
    expect(parseRequest('items:get', { kind: 'movie', id: 1, extra: true }).ok).toBe(false);
  });
});
