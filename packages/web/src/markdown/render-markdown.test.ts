import '../test-support/dom.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown } from './render-markdown.js';

test('renders Markdown: emphasis, lists and fenced code with its language', () => {
  const html = renderMarkdown('**bold** and `code`\n\n- one\n- two\n\n```ts\nconst x = 1 < 2;\n```');
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /<code>code<\/code>/);
  assert.match(html, /<li>one<\/li>/);
  assert.match(html, /<pre><code class="language-ts">const x = 1 &lt; 2;\n<\/code><\/pre>/);
});

test('an unclosed fence, as while a reply streams, is still a code block', () => {
  assert.match(renderMarkdown('Here:\n```python\nprint("hi")'), /<pre><code class="language-python">print\("hi"\)/);
});

test('removes scripts, handlers, javascript: links, images and styles', () => {
  const html = renderMarkdown(
    [
      '<script>alert(1)</script><p onclick="steal()" style="color:red">x</p>',
      '[link](javascript:alert(1)) ![tracker](https://evil.example/x.png?secret)',
      '<iframe src="https://evil.example"></iframe>',
    ].join('\n\n'),
  );
  assert.doesNotMatch(html, /script|onclick|javascript:|<img|style=|iframe|evil/i);
  assert.match(html, /<p>x<\/p>/);
  assert.match(html, /<a target="_blank" rel="noopener noreferrer">link<\/a>|<a>link<\/a>/);
});

test('links open in a new tab without a referrer', () => {
  assert.match(renderMarkdown('[docs](https://example.com/docs)'), /<a href="https:\/\/example.com\/docs" target="_blank" rel="noopener noreferrer">docs<\/a>/);
});
