import type { Mail } from './types.js';
import { firstHeader } from './mail-fields.js';

// Content-Type as data: senders write `Multipart/Report; Boundary="b"; Report-Type="Feedback-Report"`
// in any case, quoting and parameter order (RFC 2045 section 5.1), so detection reads the
// parameters instead of matching the header text against one spelling.

export interface MediaType {
  type: string; // "multipart/report", lowercased
  params: Record<string, string>; // names lowercased, values unquoted
}

/** Parse a Content-Type value; split by hand (no regex over the whole value), linear time. */
export function parseMediaType(value: string): MediaType {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted && i + 1 < value.length) current += value[++i];
    else if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
  }
  return { type: parts[0]!.trim().toLowerCase(), params };
}

/** The report-type of a top-level multipart/report ("delivery-status", "feedback-report"...), lowercased. */
export function reportType(mail: Readonly<Mail>): string | null {
  const media = parseMediaType(firstHeader(mail, 'content-type') ?? '');
  if (media.type !== 'multipart/report') return null;
  return (media.params['report-type'] ?? '').toLowerCase();
}

/** True when the message carries a part of this type (mailparser lists message/* report parts as attachments). */
export function hasPart(mail: Readonly<Mail>, type: string): boolean {
  return mail.attachments.some((a) => a.contentType.toLowerCase() === type);
}
