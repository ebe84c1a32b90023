// Repairs for broken mail that mailparser would otherwise lose the body of.

/**
 * A multipart message without a boundary parameter: mailparser then drops the whole body.
 * Guess the boundary from the first "--token" line of the body and put it in the header.
 */
export function repairBoundary(raw: Buffer, warnings: string[]): Buffer | null {
  const headEnd = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  if (headEnd < 0) return null;
  const head = raw.subarray(0, headEnd).toString('latin1');
  const ct = /^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/im.exec(head);
  if (!ct || /boundary\s*=/i.test(ct[0])) return null;
  const body = raw.subarray(headEnd).toString('latin1');
  const guess = /^--([^\s-][^\s]{0,69}?)\s*$/m.exec(body);
  if (!guess) {
    warnings.push('multipart message without a boundary: body kept as plain text');
    const fixed = head.replace(ct[0], 'Content-Type: text/plain');
    return Buffer.concat([Buffer.from(fixed, 'latin1'), raw.subarray(headEnd)]);
  }
  warnings.push(`multipart message without a boundary: guessed "${guess[1]}" from the body`);
  const fixed = head.replace(ct[0], `${ct[0]}; boundary="${guess[1]}"`);
  return Buffer.concat([Buffer.from(fixed, 'latin1'), raw.subarray(headEnd)]);
}

/** Crude text of HTML mailparser declined to convert: tags dropped, common entities decoded. */
export function plainFromHtml(html: string): string {
  const entities: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(?:br|\/p|\/div|\/tr|\/h\d|\/li)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(nbsp|amp|lt|gt|quot|#39|apos);/g, (_, e: string) => entities[e] ?? '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n\s*/g, '\n\n')
    .trim();
}
