// Public surface of @simple/pidf: presence documents (RFC 3863, 4479, 4480, 4481, 4482,
// 5196, 5262) and their composition.
export { NS, type PresenceNamespace } from './namespaces.js';
export { PidfError, type PidfErrorCode } from './pidf-error.js';
export type { Result } from './result.js';
export { parsePidf, type ParsePidfOptions } from './parse-pidf.js';
export { serializePidf } from './serialize-pidf.js';
export { PresenceDocument, type PresenceRootKind, type PidfProblem, type PidfProblemCode } from './presence-document.js';
export { PresenceComponent } from './component.js';
export { Tuple, parsePriority, type BasicStatus, type Contact, type TupleInit } from './tuple.js';
export { Person, type PersonInit } from './person.js';
export { Device, type DeviceInit } from './device.js';
export { pickNote, type Note } from './note.js';
export type {
  RpidCommon,
  RpidEnumeration,
  RpidEnumerationInit,
  RpidEnumerationName,
  PlaceIs,
  PlaceIsInit,
  Sphere,
  StatusIcon,
  TimeOffset,
  UserInput,
} from './rpid.js';
export type { Cipid, CipidInit } from './cipid.js';
export { coversTime, type TimedStatus, type TimedStatusInit } from './timed-status.js';
export {
  isSupported,
  SERVCAPS_BOOLEANS,
  SERVCAPS_LISTS,
  type DeviceCapabilities,
  type DeviceCapabilitiesInit,
  type PrioritySupport,
  type PriorityValue,
  type ServcapsBoolean,
  type ServcapsList,
  type ServiceCapabilities,
  type ServiceCapabilitiesInit,
  type SupportList,
} from './caps.js';
export { mustUnderstand } from './must-understand.js';
export { parseDateTime, formatDateTime } from './date-time.js';
export { buildPresence, type PresenceInit } from './build-presence.js';
export { closedPresence, type ClosedPresenceOptions } from './closed-presence.js';
export { composePresence, componentChildKey, type ComposeOptions, type PresencePublication } from './compose-presence.js';
export { parsePartialPidf, PidfDiff, toPidfFull, toPresence, type PartialPidf, type PatchOperation } from './pidf-diff.js';
