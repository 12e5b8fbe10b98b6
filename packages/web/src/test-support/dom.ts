import globalJsdom from 'global-jsdom';

/**
 * A browser-like DOM (jsdom) on the globals, for component tests under Node's test runner. Import
 * it first in a test file, before React or the code under test.
 */
if (typeof (globalThis as { document?: unknown }).document === 'undefined') {
  globalJsdom('<!doctype html><html><body></body></html>', { url: 'http://127.0.0.1:8000/', pretendToBeVisual: true });
}

// React reads this to know that updates are wrapped in act() by @testing-library/react.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
