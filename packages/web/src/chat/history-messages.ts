import type { SessionTurn } from '@streamgate/client';
import type { ChatMessage } from './chat-message.js';

/** A session's stored turns as chat messages; a reply that broke off or was stopped says so. */
export function historyMessages(turns: readonly SessionTurn[]): ChatMessage[] {
  return turns.map((turn, index) => ({
    id: `${turn.requestId}:${turn.role}:${index}`,
    role: turn.role,
    text: turn.content,
    status: turn.status,
    ...(turn.model ? { model: turn.model } : {}),
    ...(turn.role === 'assistant' && turn.status === 'failed'
      ? { problem: { kind: 'interrupted' as const, title: 'Interrupted', detail: 'This reply broke off; the text received was kept.', code: 'failed', retryable: false } }
      : {}),
    ...(turn.role === 'assistant' && turn.status === 'cancelled'
      ? { problem: { kind: 'cancelled' as const, title: 'Stopped', detail: 'This reply was stopped.', code: 'cancelled', retryable: false } }
      : {}),
  }));
}
