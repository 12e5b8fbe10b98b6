/** Session ids: 1 to 128 letters, digits, `-` or `_`. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Request ids chosen by clients follow the same rule as session ids. */
export const REQUEST_ID_PATTERN = SESSION_ID_PATTERN;

export const MAX_MESSAGE_CHARACTERS = 200_000;

export type { CancelFrame, ChatFrame, ChatRequestBody, ResumeFrame, SimulateOptions } from './schemas.js';
