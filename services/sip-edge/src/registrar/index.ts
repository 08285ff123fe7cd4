// Public surface of the edge's registrar (RFC 3261 §10.3, RFC 3327, RFC 5626 §6).
export { Registrar, type RegisterContext, type RegistrarResult } from './registrar.js';
export { type RegistrarOptions, type RegistrarSettings, type WallClock, systemWallClock } from './registrar-options.js';
export { LocationStore, type LocationStoreOptions, type BindingChange, type BindingUpdate, type BindingWrite, type UpdateOutcome } from '@simple/location';
export { type Binding, compareBindings, formatBindingContact, addressOfRecord } from '@simple/location';
export { contactBindingKey, outboundBindingKey, canonicalInstanceId } from './binding-key.js';
export { RegistrarError } from './registrar-error.js';
export { BindingSweeper, type BindingSweeperOptions } from './binding-sweeper.js';
