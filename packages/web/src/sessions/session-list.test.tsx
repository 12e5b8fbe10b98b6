import '../test-support/dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { SessionList } from './session-list.js';

afterEach(cleanup);

const sessions = [
  { sessionId: 's2', title: 'Second chat', updatedAt: '2026-01-02T10:00:00Z' },
  { sessionId: 's1', title: 'First chat', updatedAt: '2026-01-01T10:00:00Z' },
];

test('lists the sessions, marks the open one, and opens, deletes or starts one', () => {
  const calls: string[] = [];
  render(
    <SessionList
      sessions={sessions}
      activeId="s1"
      onOpen={(id) => calls.push(`open ${id}`)}
      onDelete={(id) => calls.push(`delete ${id}`)}
      onNew={() => calls.push('new')}
    />,
  );
  assert.deepEqual(
    screen.getAllByRole('listitem').map((item) => item.querySelector('.session-title')?.textContent),
    ['Second chat', 'First chat'],
  );
  assert.equal(screen.getByRole('button', { name: /^First chat/, current: true }).getAttribute('aria-current'), 'true');
  fireEvent.click(screen.getByRole('button', { name: /^Second chat/ }));
  fireEvent.click(screen.getByRole('button', { name: 'Delete "First chat"' }));
  fireEvent.click(screen.getByRole('button', { name: 'New chat' }));
  assert.deepEqual(calls, ['open s2', 'delete s1', 'new']);
});

test('an empty list says where conversations will appear', () => {
  render(<SessionList sessions={[]} activeId={undefined} onOpen={() => undefined} onDelete={() => undefined} onNew={() => undefined} />);
  assert.ok(screen.getByText('Your conversations appear here.'));
});
