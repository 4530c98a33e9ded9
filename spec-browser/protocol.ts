// What the browser test's page and its workers (page.ts, worker.ts) send each other over the
// channels the page serves.

/** A job of the work queue: the `n`th job of sender `from`. */
export interface Job {
  readonly from: string;
  readonly n: number;
}

/** What a worker reports on the page's `results` Anycast. */
export type Report =
  | { readonly kind: 'result'; readonly worker: string; readonly job: Job }
  | { readonly kind: 'done'; readonly worker: string }
  | { readonly kind: 'ready'; readonly worker: string }
  | { readonly kind: 'broadcast'; readonly worker: string; readonly got: readonly number[]; readonly dropped: number }
  | { readonly kind: 'holding'; readonly worker: string; readonly size: number };
