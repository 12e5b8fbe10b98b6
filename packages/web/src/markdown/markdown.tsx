import { useMemo } from 'react';
import { renderMarkdown } from './render-markdown.js';

/** Markdown from a model, rendered as sanitized HTML (see renderMarkdown). */
export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
