import DOMPurify, { type DOMPurify as Purifier } from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });
let purifier: Purifier | undefined;

/**
 * A model's Markdown as safe HTML: parsed by marked, then sanitized by DOMPurify, since a model's
 * output (and so a prompt injection) decides what it contains. Scripts, event handlers, forms,
 * `javascript:` links and inline styles go; images go too, since loading one would send data
 * to a server of the text's choosing. Links open in a new tab without a referrer.
 *
 * @example
 * ```ts
 * element.innerHTML = renderMarkdown('**Hello** `world`');
 * ```
 */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return sanitizer().sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'svg', 'math'],
    FORBID_ATTR: ['style', 'srcset'],
  });
}

/** Made on first use, for the window of that moment (tests register a DOM before rendering). */
function sanitizer(): Purifier {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  return purifier;
}
