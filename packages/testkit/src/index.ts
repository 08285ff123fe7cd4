// Test helpers shared by the packages' and services' test suites.
export { freePort } from './ports.js';
export { startService, startServiceOnFreshPorts, type ServiceProcess } from './service-process.js';
export { toolAvailable } from './tool-available.js';
export { runSipp, sippAvailable, type SippOptions, type SippRun } from './sipp.js';
export { seededRandom } from './seeded-random.js';
export { Baresip, baresipAvailable, type BaresipAccount } from './baresip.js';
export { skipUnless } from './skip-unless.js';
export { useRedisNamespace } from './redis-namespace.js';
export { digestFetch, digestAuthorization, type DigestFetch, type DigestAnswer } from './http-digest.js';
export { xmlSchema, type SchemaCheck, type SchemaSetOptions } from './xml-schema.js';
