import type { ChatResult, ClientMetrics, ResumedEvent, SimulateOptions, Transport, Usage } from '@streamgate/client';
import type { Problem } from '../status/describe-problem.js';
import { addResume, type Resumes } from '../status/resumes.js';

/** What was sent, kept with the reply so that it can be sent again. */
export interface SentRequest {
  message: string;
  transport: Transport;
  model?: string;
  simulate?: SimulateOptions;
}

export type MessageStatus = 'waiting' | 'streaming' | 'complete' | 'cancelled' | 'failed';

export interface ChatMessage {
  /** The request id, with `:user` for the user's message. */
  id: string;
  role: 'user' | 'assistant';
  text: string;
  status: MessageStatus;
  /** For live replies: what to send again on retry. */
  request?: SentRequest;
  model?: string;
  transport?: Transport;
  metrics?: ClientMetrics;
  usage?: Usage;
  problem?: Problem;
  /** Set when the connection was lost mid-reply and the reply resumed. */
  resumes?: Resumes;
}

export interface ChatState {
  sessionId: string | undefined;
  messages: ChatMessage[];
  /** The request id of the reply streaming now. */
  running: string | undefined;
}

export type ChatAction =
  | { type: 'sent'; requestId: string; request: SentRequest }
  | { type: 'started'; requestId: string; sessionId: string; model: string }
  | { type: 'delta'; requestId: string; text: string; metrics: ClientMetrics }
  | { type: 'resumed'; requestId: string; event: ResumedEvent }
  | { type: 'ended'; result: ChatResult; problem: Problem | undefined }
  | { type: 'opened'; sessionId: string; messages: ChatMessage[] }
  | { type: 'reset' };

export const emptyChat: ChatState = { sessionId: undefined, messages: [], running: undefined };

/**
 * The chat's state: messages in order, the reply streaming now, and the session they belong to.
 * Text arrives by `delta`; `ended` settles a reply with its outcome, and what arrived stays.
 */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'sent': {
      const { requestId, request } = action;
      const user: ChatMessage = { id: `${requestId}:user`, role: 'user', text: request.message, status: 'complete' };
      const reply: ChatMessage = { id: requestId, role: 'assistant', text: '', status: 'waiting', request, transport: request.transport };
      return { ...state, messages: [...state.messages, user, reply], running: requestId };
    }
    case 'started':
      return { ...updateMessage(state, action.requestId, { model: action.model }), sessionId: state.sessionId ?? action.sessionId };
    case 'delta':
      return updateMessage(state, action.requestId, (message) => ({ text: message.text + action.text, status: 'streaming', metrics: action.metrics }));
    case 'resumed':
      return updateMessage(state, action.requestId, (message) => ({ resumes: addResume(message.resumes, action.event) }));
    case 'ended': {
      const { result, problem } = action;
      const ended = updateMessage(state, result.requestId, {
        text: result.text,
        status: result.status,
        metrics: result.metrics,
        ...(result.status === 'complete' ? { usage: result.usage, model: result.model } : {}),
        ...(problem ? { problem } : {}),
      });
      return { ...ended, sessionId: state.sessionId ?? (result.sessionId || undefined), running: state.running === result.requestId ? undefined : state.running };
    }
    case 'opened':
      return { sessionId: action.sessionId, messages: action.messages, running: undefined };
    case 'reset':
      return emptyChat;
  }
}

function updateMessage(state: ChatState, id: string, change: Partial<ChatMessage> | ((message: ChatMessage) => Partial<ChatMessage>)): ChatState {
  return {
    ...state,
    messages: state.messages.map((message) => (message.id === id ? { ...message, ...(typeof change === 'function' ? change(message) : change) } : message)),
  };
}
