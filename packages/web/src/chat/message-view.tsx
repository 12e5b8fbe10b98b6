import { Markdown } from '../markdown/markdown.js';
import { ProblemNotice } from '../status/problem-notice.js';
import { ResumedNotice } from '../status/resumed-notice.js';
import type { ChatMessage } from './chat-message.js';
import { MetricsLine } from './metrics-line.js';

export interface MessageViewProps {
  message: ChatMessage;
  onRetry?: ((message: ChatMessage) => void) | undefined;
}

/** One message: the user's as text, a reply as Markdown while it streams, then how it went. */
export function MessageView({ message, onRetry }: MessageViewProps) {
  const { role, status, problem } = message;
  return (
    <article className={`message message-${role} message-${status}`} data-status={status} aria-busy={status === 'waiting' || status === 'streaming'}>
      {role === 'user' ? (
        <p className="message-text">{message.text}</p>
      ) : message.text.length > 0 ? (
        <Markdown text={message.text} />
      ) : (
        status === 'waiting' && <p className="message-waiting">Waiting for the first token…</p>
      )}
      {status === 'streaming' && <span className="cursor" aria-hidden="true" />}
      {role === 'assistant' && (
        <MetricsLine transport={message.transport} model={message.model} metrics={message.metrics} usage={message.usage} />
      )}
      {message.resumes && <ResumedNotice resumes={message.resumes} />}
      {problem && (
        <ProblemNotice
          problem={problem}
          {...(onRetry && message.request ? { onRetry: () => onRetry(message) } : {})}
          retryLabel={problem.kind === 'cancelled' ? 'Send again' : 'Retry'}
        />
      )}
    </article>
  );
}
