import type { ResumedEvent } from '@streamgate/client';

/** How often a reply's connection was lost and picked up again, and how many events the gateway replayed in all. */
export interface Resumes {
  count: number;
  /** Null while the gateway has not said (WebSocket). */
  replayed: number | null;
}

/** One more resume, from the stream's `resumed` event. */
export function addResume(resumes: Resumes | undefined, event: ResumedEvent): Resumes {
  const known = [resumes?.replayed, event.replayed].filter((value): value is number => typeof value === 'number');
  return { count: (resumes?.count ?? 0) + 1, replayed: known.length > 0 ? known.reduce((sum, value) => sum + value, 0) : null };
}
