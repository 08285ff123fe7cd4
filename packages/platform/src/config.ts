import { z } from 'zod';

/** A setting that failed its schema, named as the operator wrote it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: ReadonlyArray<{ readonly key: string; readonly message: string }>) {
    super(`invalid configuration: ${problems.map((p) => `${p.key}: ${p.message}`).join('; ')}`);
  }
}

/**
 * Reads a service's configuration once, at start: the schema's keys are the
 * environment variable names (SIMPLE_SIP_UDP_PORT...), each with its default
 * in the schema. The result is checked, then frozen, then passed in; handlers
 * never read `process.env` (STYLE.md, habit 10).
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Readonly<Record<string, string | undefined>> = process.env): Readonly<z.infer<S>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => ({ key: String(i.path[0] ?? '?'), message: i.message })));
  }
  return deepFreeze(r.data);
}

function deepFreeze<T>(o: T): Readonly<T> {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}

/** Schema pieces for environment variables. */
export const env = {
  port: (def: number) => z.coerce.number().int().min(0).max(65535).default(def),
  int: (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def),
  str: (def: string) => z.string().min(1).default(def),
  optionalStr: () => z.string().min(1).optional(),
  bool: (def: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(def ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  /** A comma-separated list. */
  list: (def: readonly string[]) =>
    z
      .string()
      .default(def.join(','))
      .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0)),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
