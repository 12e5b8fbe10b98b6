import type { Resumes } from './resumes.js';

/** Says that the connection was lost and the reply resumed where it stopped, so that the text is whole. */
export function ResumedNotice({ resumes }: { resumes: Resumes }) {
  const { count, replayed } = resumes;
  return (
    <p className="resumed" role="status" data-resumed={count}>
      <strong>Connection lost, resumed{count > 1 ? ` (${count} times)` : ''}</strong>
      <span>
        The reply went on where it stopped{replayed === null ? '' : `; ${replayed} missed ${replayed === 1 ? 'event' : 'events'} caught up`}.
      </span>
    </p>
  );
}
