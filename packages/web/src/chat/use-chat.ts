import { StreamGateError, type ChatResult, type StreamGateClient } from '@streamgate/client';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { describeProblem, type Problem } from '../status/describe-problem.js';
import { chatReducer, emptyChat, type ChatState, type SentRequest } from './chat-message.js';
import { historyMessages } from './history-messages.js';

export interface ChatCallbacks {
  /** A reply started in a session (the first message names a new one). */
  onSession(sessionId: string, message: string): void;
  /** A request or a history load failed in a way the whole app shows (a refused key). */
  onProblem(problem: Problem): void;
}

export interface Chat {
  state: ChatState;
  /** Why the history could not be opened. */
  historyProblem: Problem | undefined;
  loadingHistory: boolean;
  send(request: SentRequest): void;
  stop(): void;
  open(sessionId: string): Promise<void>;
  startNew(): void;
}

/**
 * A conversation with the gateway through the SDK: sends over the chosen transport, renders each
 * delta as it arrives, notes when the SDK resumed a lost connection, stops on demand, and keeps
 * what arrived when a stream fails.
 */
export function useChat(client: StreamGateClient, callbacks: ChatCallbacks): Chat {
  const [state, dispatch] = useReducer(chatReducer, emptyChat);
  const [historyProblem, setHistoryProblem] = useState<Problem>();
  const [loadingHistory, setLoadingHistory] = useState(false);
  const running = useRef<AbortController | undefined>(undefined);
  const sessionId = useRef<string | undefined>(undefined);
  const callbacksRef = useRef(callbacks);
  callbacksRef.current = callbacks;
  sessionId.current = state.sessionId;

  useEffect(() => () => running.current?.abort(), []);

  const send = useCallback(
    (request: SentRequest) => {
      if (running.current) return;
      const controller = new AbortController();
      running.current = controller;
      const stream = client.stream(
        {
          message: request.message,
          transport: request.transport,
          ...(sessionId.current ? { sessionId: sessionId.current } : {}),
          ...(request.model ? { model: request.model } : {}),
          ...(request.simulate ? { simulate: request.simulate } : {}),
        },
        { signal: controller.signal },
      );
      const requestId = stream.requestId;
      dispatch({ type: 'sent', requestId, request });
      void (async () => {
        for await (const event of stream) {
          if (event.type === 'start') {
            dispatch({ type: 'started', requestId, sessionId: event.sessionId, model: event.model });
            callbacksRef.current.onSession(event.sessionId, request.message);
          } else if (event.type === 'delta') {
            dispatch({ type: 'delta', requestId, text: event.text, metrics: stream.metrics });
          } else if (event.type === 'resumed') {
            dispatch({ type: 'resumed', requestId, event });
          }
        }
        const result = await stream.result;
        const problem = problemOf(result);
        if (running.current === controller) running.current = undefined;
        dispatch({ type: 'ended', result, problem });
        if (problem?.kind === 'unauthorized') callbacksRef.current.onProblem(problem);
      })();
    },
    [client],
  );

  const stop = useCallback(() => running.current?.abort(), []);

  const open = useCallback(
    async (id: string) => {
      running.current?.abort();
      setLoadingHistory(true);
      setHistoryProblem(undefined);
      try {
        const session = await client.sessions.get(id);
        dispatch({ type: 'opened', sessionId: id, messages: historyMessages(session.turns) });
      } catch (error) {
        const problem = describeProblem(asError(error));
        setHistoryProblem(problem);
        if (problem.kind === 'unauthorized') callbacksRef.current.onProblem(problem);
        throw error;
      } finally {
        setLoadingHistory(false);
      }
    },
    [client],
  );

  const startNew = useCallback(() => {
    running.current?.abort();
    setHistoryProblem(undefined);
    dispatch({ type: 'reset' });
  }, []);

  return { state, historyProblem, loadingHistory, send, stop, open, startNew };
}

function problemOf(result: ChatResult): Problem | undefined {
  if (result.status === 'complete') return undefined;
  return describeProblem(result.error, { receivedText: result.text.length > 0 });
}

function asError(error: unknown): StreamGateError {
  return error instanceof StreamGateError ? error : new StreamGateError('internal_error', String(error));
}
