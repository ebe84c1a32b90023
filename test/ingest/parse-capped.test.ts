import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseCapped } from '../../src/ingest/parse-capped.js';

// The streaming parse keeps an attachment's bytes only within the cap; otherwise it gives what
// simpleParser gives.

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'));
const options = { skipTextToHtml: true, keepCidLinks: true, checksumAlgo: 'sha256' } as const;

function withAttachments(parts: { name: string; bytes: Buffer }[]): Buffer {
  const head = `From: "Ana Ruiz" <ana@ruiz-bikes.example>
To: support@agency.example
Cc: shop@ruiz-bikes.example
Subject: Photos of the broken frame
Message-ID: <frame.1@ruiz-bikes.example>
In-Reply-To: <ticketd.1043.1@agency.example>
References: <ticketd.1043.1@agency.example>
Date: Mon, 23 Nov 2026 09:14:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/plain; charset=utf-8

The frame cracked after two weeks, photos attached.
--b2
Content-Type: text/html; charset=utf-8

<p>The frame cracked after two weeks, photos attached.</p>
--b2--
`;
  const body = parts
    .map(
      (p) => `--b1
Content-Type: image/jpeg; name="${p.name}"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="${p.name}"

${p.bytes.toString('base64').replace(/.{76}/g, '$&\n')}
`,
    )
    .join('');
  return crlf(`${head}${body}--b1--\n`);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('parseCapped', () => {
  it('keeps an attachment within the cap whole, and gives what simpleParser gives for the rest of the mail', async () => {
    const photo = Buffer.from('a small photo, pretend JPEG bytes'.repeat(20));
    const raw = withAttachments([{ name: 'frame.jpg', bytes: photo }]);
    const ours = await parseCapped(raw, options, 1024 * 1024);
    const theirs = await simpleParser(raw, options);
    for (const key of ['subject', 'messageId', 'inReplyTo', 'references', 'date', 'from', 'to', 'cc', 'text', 'html', 'headerLines'] as const) {
      expect(ours[key], key).toEqual(theirs[key]);
    }
    expect([...ours.headers.keys()]).toEqual([...theirs.headers.keys()]);
    expect(ours.attachments.map(({ filename, contentType, size, checksum, content }) => ({ filename, contentType, size, checksum, content }))).toEqual(
      theirs.attachments.map(({ filename, contentType, size, checksum, content }) => ({ filename, contentType, size, checksum, content })),
    );
    expect(ours.attachments[0]!.content.equals(photo)).toBe(true);
  });

  it('counts and hashes an attachment over the cap but keeps none of its bytes; the next one is kept', async () => {
    const video = Buffer.alloc(3 * 1024 * 1024, 'frame footage ');
    const photo = Buffer.from('the second photo');
    const ours = await parseCapped(withAttachments([{ name: 'ride.jpg', bytes: video }, { name: 'crack.jpg', bytes: photo }]), options, 64 * 1024);
    expect(ours.attachments.map((a) => [a.filename, a.size, a.checksum, a.content.length])).toEqual([
      ['ride.jpg', video.length, sha256(video), 0],
      ['crack.jpg', photo.length, sha256(photo), photo.length],
    ]);
    expect(ours.text?.trim()).toBe('The frame cracked after two weeks, photos attached.');
  });
});
