import { describe, expect, it } from 'vitest';
import { rawMessageId } from '../../src/ingest/raw-message-id.js';

describe('rawMessageId', () => {
  it.each([
    ['Message-ID: <abc@x.example>\r\nSubject: s\r\n\r\nbody', 'abc@x.example'],
    ['Subject: s\nMessage-Id:\n  <folded@x.example>\n\nbody', 'folded@x.example'],
    ['message-id: bare@x.example\r\n\r\n', 'bare@x.example'],
    ['Subject: s\r\n\r\nMessage-ID: <in-body@x.example>\r\n', null],
    ['Subject: no id\r\n\r\n', null],
  ])('%j → %s', (raw, id) => {
    expect(rawMessageId(Buffer.from(raw))).toBe(id);
  });
});
