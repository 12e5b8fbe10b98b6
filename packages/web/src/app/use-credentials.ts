import { useCallback, useState } from 'react';
import { type AddressBar, takeKeyFromAddressBar } from '../credentials/key-from-location.js';
import type { KeyStorage } from '../credentials/key-storage.js';
import { createGatewayClient } from '../gateway/create-client.js';
import { describeProblem, type Problem } from '../status/describe-problem.js';
import { StreamGateError } from '@streamgate/client';

export interface Credentials {
  apiKey: string | undefined;
  /** Why the last key was refused, or could not be checked. */
  problem: Problem | undefined;
  checking: boolean;
  /** Checks a key with the gateway, then keeps it for this tab. */
  submit(key: string): void;
  /** The gateway refused the key in use: forget it and ask for another. */
  refuse(problem: Problem): void;
  forget(): void;
}

/**
 * The API key: from `#key=` in the URL (removed from the address bar at once), else from this
 * tab's sessionStorage, else asked for. Never in localStorage or the URL.
 */
export function useCredentials(baseUrl: string, addressBar: AddressBar | undefined, storage: KeyStorage): Credentials {
  const [apiKey, setApiKey] = useState<string | undefined>(() => {
    const fromAddress = addressBar ? takeKeyFromAddressBar(addressBar) : undefined;
    if (fromAddress) storage.write(fromAddress);
    return fromAddress ?? storage.read();
  });
  const [problem, setProblem] = useState<Problem>();
  const [checking, setChecking] = useState(false);

  const submit = useCallback(
    (key: string) => {
      setChecking(true);
      setProblem(undefined);
      // Any authenticated call tells a refused key from a good one; the model list is a cheap one.
      createGatewayClient(baseUrl, key).models().then(
        () => {
          storage.write(key);
          setApiKey(key);
          setChecking(false);
        },
        (error: unknown) => {
          setProblem(describeProblem(error instanceof StreamGateError ? error : new StreamGateError('network_error', String(error))));
          setChecking(false);
        },
      );
    },
    [baseUrl, storage],
  );
  const refuse = useCallback(
    (refused: Problem) => {
      storage.clear();
      setApiKey(undefined);
      setProblem(refused);
    },
    [storage],
  );
  const forget = useCallback(() => {
    storage.clear();
    setApiKey(undefined);
    setProblem(undefined);
  }, [storage]);

  return { apiKey, problem, checking, submit, refuse, forget };
}
