import type { ChildNode, Element, Text } from 'domhandler';
import { compile } from 'html-to-text';
import { parseDocument } from 'htmlparser2';
import { attribution } from './quote-lines.js';

// The new text of an HTML reply, from the markers mail clients put around what they quote
// (far more reliable than reading the text): the quote is cut out of the HTML source by the
// parser's offsets, and what is left is converted to text. null when no marker is found, so
// the caller reads the text part instead.
// - "cut": the marker and everything after it in the document is history (Outlook puts the
//   quoted message after its header block as siblings, not inside it);
// - "drop": the element is the quote (Gmail, Apple Mail, Thunderbird, Yahoo, Proton, Zoho,
//   GMX), and text after it is an inline answer that stays.

const MAX_HTML = 1_000_000;
const ATTRIBUTION_TEXT_MAX = 400;
// Nodes looked at for one short text (an attribution, a header line): empty markup is cheap but not free.
const TEXT_VISITS_MAX = 2000;

const CUT_IDS = new Set(['appendonsend', 'divrplyfwdmsg', 'mail-editor-reference-message-container']);
const CUT_CLASSES = ['ms-outlook-mobile-reference-message'];
// Gmail's div.gmail_quote is not dropped whole: an inline answer sits inside it, between its
// blockquote.gmail_quote parts.
const DROP_CLASSES = ['gmail_attr', 'moz-cite-prefix', 'yahoo_quoted', 'protonmail_quote', 'zmail_extra', 'zmail_extra_hr'];
// Outlook desktop (Word): <div style="border:none;border-top:solid #E1E1E1 1.0pt;…"><p><b>From:</b> …
const HEADER_START = /^[\s*]*(?:from|von|de|van|da|od|от|från|fra|gesendet|sent)\s*:/iu;

const toText = compile({
  wordwrap: false,
  limits: { maxInputLength: MAX_HTML, maxDepth: 200 },
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'a[href^="mailto:"]', format: 'anchor', options: { ignoreHref: true } },
    { selector: 'a[href^="tel:"]', format: 'anchor', options: { ignoreHref: true } },
    // Word's paragraphs are lines; its blank lines are empty paragraphs of their own.
    { selector: 'p.MsoNormal', format: 'paragraph', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'hr', format: 'skip' },
    // A blockquote left after the quotes are cut is the writer's own (Gmail's indent button):
    // no "> " in front, which the text heuristics would take for a quote.
    { selector: 'blockquote', format: 'paddedBlock' },
  ],
  formatters: {
    // A paragraph of its own, also when it starts with a <div> (html-to-text then keeps only the
    // div's single line break); the extra blank line is squeezed by the caller.
    paddedBlock(elem, walk, builder) {
      builder.openBlock({ leadingLineBreaks: 2 });
      builder.addLiteral('');
      builder.closeBlock({ trailingLineBreaks: 1 });
      builder.openBlock({ leadingLineBreaks: 1 });
      walk(elem.children, builder);
      builder.closeBlock({ trailingLineBreaks: 2 });
    },
  },
});

/** The text of a node, at most max characters: iterative (a hostile nesting depth must not overflow the stack) and bounded. */
function textOf(node: ChildNode, max: number): string {
  let out = '';
  let visits = 0;
  const stack: ChildNode[] = [node];
  while (stack.length && out.length < max && visits++ < TEXT_VISITS_MAX) {
    const n = stack.pop()!;
    if (n.type === 'text') out += (n as Text).data;
    else if ('children' in n) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out.slice(0, max);
}

function classes(el: Element): string[] {
  return (el.attribs.class ?? '').toLowerCase().split(/\s+/);
}

function isCut(el: Element): boolean {
  const id = (el.attribs.id ?? '').toLowerCase();
  if (CUT_IDS.has(id)) return true;
  if (classes(el).some((c) => CUT_CLASSES.includes(c))) return true;
  const style = (el.attribs.style ?? '').toLowerCase();
  if (el.name === 'div' && style.includes('border-top') && style.includes('solid')) {
    return HEADER_START.test(textOf(el, 200));
  }
  return false;
}

function isDrop(el: Element): boolean {
  const cls = classes(el);
  if (cls.some((c) => DROP_CLASSES.includes(c))) return true;
  if (el.name === 'blockquote' && cls.includes('gmail_quote')) return true;
  // Yahoo prefixes its class and id names when it rewrites a message ("ydp1a2b3c4yahoo_quoted_…").
  if (cls.some((c) => c.includes('yahoo_quoted')) || (el.attribs.id ?? '').toLowerCase().includes('yahoo_quoted')) return true;
  if (el.name === 'div' && el.attribs.name === 'quote') return true; // GMX, Web.de
  return el.name === 'blockquote' && (el.attribs.type ?? '').toLowerCase() === 'cite';
}

/** A node before a quote that only holds "On …, X wrote:" (Apple Mail, Mail.ru, Yandex put it outside the blockquote). */
function attributionBefore(el: Element): ChildNode[] {
  const found: ChildNode[] = [];
  let text = '';
  let seen = 0;
  for (let n = el.prev; n && seen < 12; n = n.prev, seen++) {
    const t = textOf(n, ATTRIBUTION_TEXT_MAX + 1);
    if (!t.trim()) {
      found.push(n);
      continue;
    }
    text = `${t} ${text}`;
    found.push(n);
    if (text.length > ATTRIBUTION_TEXT_MAX) return [];
    if (attribution(text.replace(/\s+/g, ' '))) return found;
  }
  return [];
}

// Every marker isCut/isDrop can find names one of these in the source. Most HTML mail is a
// first message with none of them: one scan of the string spares parsing the document (the
// parse worker's CPU, on every such mail). An entity-encoded class name ("gmail&#95;quote")
// gets past it and is read as text: only quote stripping is lost, never new text.
const MAY_HOLD_MARKER = /blockquote|gmail_|divrplyfwdmsg|appendonsend|reference-message|moz-cite-prefix|yahoo_quoted|protonmail_quote|zmail_extra|border-top|name\s*=\s*["']?quote/i;

// htmlparser2 (and html-to-text, which parses again) take time quadratic in the nesting depth
// of unclosed elements: 200,000 "<div>" in a 1 MB part took 30 s of a parse worker. No mail
// client nests thousands deep; past that the text part is read instead.
const MAX_DEPTH = 10_000; // about 0.1 s of parsing at this depth
// Void elements, and those the parser closes by itself when a sibling opens (<p><p>, <td><td>):
// they do not deepen the tree.
const FLAT = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'p', 'li', 'dt', 'dd', 'td', 'th', 'tr', 'option', 'tbody', 'thead', 'tfoot', 'colgroup']);

/** An upper estimate of the nesting depth, from the tags alone (one pass, no backtracking). */
function tooDeep(html: string): boolean {
  let depth = 0;
  for (const m of html.matchAll(/<(\/?)([A-Za-z][A-Za-z0-9:-]*)/g)) {
    if (FLAT.has(m[2]!.toLowerCase())) continue;
    depth += m[1] ? -1 : 1;
    if (depth > MAX_DEPTH) return true;
    if (depth < 0) depth = 0;
  }
  return false;
}

/** Cuts the quotes out of the HTML; null when it holds no quote marker. */
export function newTextOfHtml(html: string): string | null {
  if (html.length > MAX_HTML || !MAY_HOLD_MARKER.test(html) || tooDeep(html)) return null;
  const doc = parseDocument(html, { withStartIndices: true, withEndIndices: true });
  const ranges: [number, number][] = [];
  let cutAt = html.length;
  // Iterative walk in document order (a hostile nesting depth must not overflow the stack).
  const stack: ChildNode[] = [...doc.children].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
    const el = node as Element;
    if (el.startIndex === null || el.startIndex >= cutAt) continue;
    if (isCut(el)) {
      let start = el.startIndex;
      // Outlook on the web draws an <hr> just before its header block.
      let prev = el.prev;
      while (prev && prev.type === 'text' && !textOf(prev, 200).trim()) prev = prev.prev;
      if (prev && prev.type === 'tag' && (prev as Element).name === 'hr' && prev.startIndex !== null) start = prev.startIndex;
      cutAt = Math.min(cutAt, start);
      continue;
    }
    const blockquote = el.name === 'blockquote';
    const before = blockquote || isDrop(el) ? attributionBefore(el) : [];
    if (isDrop(el) || (blockquote && before.length)) {
      ranges.push([el.startIndex, (el.endIndex ?? html.length - 1) + 1]);
      for (const n of before) if (n.startIndex !== null) ranges.push([n.startIndex, (n.endIndex ?? n.startIndex) + 1]);
      continue;
    }
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]!);
  }
  if (!ranges.length && cutAt === html.length) return null;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let pos = 0;
  for (const [start, end] of ranges) {
    if (start >= cutAt) break;
    if (start > pos) out += html.slice(pos, start);
    pos = Math.max(pos, end);
  }
  if (pos < cutAt) out += html.slice(pos, cutAt);
  return toText(out);
}
