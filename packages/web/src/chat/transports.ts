import type { Transport } from '@streamgate/client';

export const TRANSPORTS: readonly Transport[] = ['websocket', 'sse', 'rest'];

export const TRANSPORT_NAMES: Record<Transport, string> = { websocket: 'WebSocket', sse: 'SSE', rest: 'REST' };
