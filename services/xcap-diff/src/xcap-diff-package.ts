import { defaultResource, type EventPackage, type NotifyBody, type Subscription } from '@simple/sip-events';
import { composeDiff, diffModeOf } from './compose-diff.js';
import { EMPTY_VIEW, type DiffViewStore } from './diff-view-store.js';
import { renderXcapDiff, XCAP_DIFF_TYPE } from './xcap-diff-document.js';
import type { XcapDocuments } from './xcap-documents.js';
import { entryUris, resolveWatches, RESOURCE_LISTS_TYPE, type Watch } from './watch-list.js';

export const EVENT = 'xcap-diff';

export interface XcapDiffPackageOptions {
  readonly documents: XcapDocuments;
  readonly views: DiffViewStore;
  /** The XCAP root URI, ending with "/". */
  readonly xcapRoot: string;
  readonly maxEntries: number;
  readonly expires: { readonly min: number; readonly max: number; readonly default: number };
  /** How long a view outlives its subscription's expiry should nobody remove it. */
  readonly viewGraceMs: number;
}

/**
 * The xcap-diff event package (RFC 5875) as a plugin of the notifier framework.
 *
 * - Resource: the watcher itself (its authenticated address of record). The SUBSCRIBE's
 *   Request-URI names the notifier (§4.4: "This document does not constrain that URI"); what
 *   is watched is the body's list, resolved against the XCAP root, and a change to a
 *   document of a user's tree notifies that user's subscriptions.
 * - Authorization: a user subscribes for themselves (the identity the edge authenticated);
 *   entries they may not read are left out of every NOTIFY (§4.7), not refused.
 * - Bodies: one xcap-diff document per NOTIFY, composed per subscription against what its
 *   watcher was last told; that record moves only when the NOTIFY is answered 2xx (§4.7:
 *   "all messages MUST successfully be transferred or the document will become out of sync").
 */
export function xcapDiffPackage(o: XcapDiffPackageOptions): EventPackage {
  const quiet = new WeakSet<NotifyBody>();
  const watchesOf = (sub: Subscription): readonly Watch[] => {
    const body = sub.subscribeBody;
    if (body === undefined) return [];
    const uris = entryUris(body.body);
    return uris.ok ? resolveWatches(uris.uris, sub.resource, o.xcapRoot, o.maxEntries).watches : [];
  };
  return {
    name: EVENT,
    contentTypes: [XCAP_DIFF_TYPE],
    minExpires: o.expires.min,
    maxExpires: o.expires.max,
    defaultExpires: o.expires.default,
    // §4.7: "MUST NOT send a new NOTIFY ... unless a successful 200-response has been received for the last sent NOTIFY".
    endOnFailedNotify: true,
    // §4.4: the list is "described by the XCAP resource list format [RFC4826]".
    subscribeBodyTypes: [RESOURCE_LISTS_TYPE],
    checkSubscribeBody(body) {
      const r = entryUris(body);
      return r.ok ? undefined : r.error;
    },
    authorize(req) {
      // The watcher reads only its own tree (services/xcap §5.7); a trusted peer has no identity here.
      return Promise.resolve(req.identity !== undefined && req.identity === req.resource ? 'active' : 'rejected');
    },
    resolveResource(request, inbound) {
      return inbound.identity ?? defaultResource(request.from.uri);
    },
    async compose(resource, watcher) {
      const sub = watcher.subscription;
      const full = watcher.mandatory;
      const view = full ? EMPTY_VIEW : await o.views.load(sub.id);
      const c = await composeDiff(watchesOf(sub), view, full, diffModeOf(sub.eventParams), o.documents);
      const save = (): Promise<void> => o.views.save(sub.id, c.view, sub.expiresAt, o.viewGraceMs);
      const notify: NotifyBody = {
        contentType: XCAP_DIFF_TYPE,
        body: Buffer.from(renderXcapDiff(o.xcapRoot, c.entries), 'utf8'),
        // The final NOTIFY (terminated) is the last: nothing to remember after it.
        ...(watcher.state === 'terminated' ? {} : { delivered: save }),
      };
      if (c.entries.length === 0 && !full) {
        // Nothing to tell: no NOTIFY; but remember what was read (a component whose document
        // changed elsewhere need not be read again).
        await save();
        quiet.add(notify);
      }
      return notify;
    },
    // A change elsewhere in the watcher's tree means nothing to this list: no NOTIFY.
    filter(composed) {
      return Promise.resolve(composed !== undefined && quiet.has(composed) ? 'skip' : composed);
    },
    async onSubscriptionChange(sub, change) {
      if (change.kind === 'terminated') await o.views.remove(sub.id);
    },
  };
}
