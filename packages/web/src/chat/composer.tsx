import { useState, type FormEvent, type KeyboardEvent } from 'react';

export interface ComposerProps {
  running: boolean;
  onSend(message: string): void;
  onStop(): void;
}

/** The message box: Enter sends, Shift+Enter starts a new line; Stop while a reply streams. */
export function Composer({ running, onSend, onStop }: ComposerProps) {
  const [message, setMessage] = useState('');
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (running || message.trim() === '') return;
    onSend(message);
    setMessage('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };
  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        name="message"
        aria-label="Message"
        placeholder="Send a message (Enter to send, Shift+Enter for a new line)"
        rows={2}
        value={message}
        onChange={(event) => setMessage(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {running ? (
        <button type="button" className="stop" onClick={onStop}>
          Stop
        </button>
      ) : (
        <button type="submit" disabled={message.trim() === ''}>
          Send
        </button>
      )}
    </form>
  );
}
