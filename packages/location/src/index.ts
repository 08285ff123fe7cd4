// Public surface of @simple/location: the location service's bindings in Redis
// (RFC 3261 §10, RFC 3327, RFC 5626 §6), written by the edge's registrar and
// read by every service that reaches a registered user.
export { LocationStore, type LocationStoreOptions, type BindingChange, type BindingUpdate, type BindingWrite, type UpdateOutcome } from './location-store.js';
export { type Binding, compareBindings, formatBindingContact, remainingSeconds, bindingSignature, encodeBinding, decodeBinding } from './binding.js';
export { addressOfRecord, identityAor } from './address-of-record.js';
export { LuaScript } from './lua-script.js';
export { type WallClock, systemWallClock } from './wall-clock.js';
