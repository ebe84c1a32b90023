import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import { parseMail } from './parse.js';

// One parse worker: receives raw mail, answers with the parsed Mail and attachment parts.

export interface ParseRequest {
  id: number;
  raw: Uint8Array;
  attachmentMaxBytes: number;
}

export type ParseReply =
  | { id: number; ok: true; mail: Awaited<ReturnType<typeof parseMail>>['mail']; parts: Uint8Array[] }
  | { id: number; ok: false; message: string };

parentPort?.on('message', async (req: ParseRequest) => {
  let reply: ParseReply;
  try {
    const raw = Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength);
    const { mail, parts } = await parseMail(raw, { attachmentMaxBytes: req.attachmentMaxBytes });
    reply = { id: req.id, ok: true, mail, parts };
  } catch (err) {
    reply = { id: req.id, ok: false, message: errorMessage(err) };
  }
  parentPort!.postMessage(reply);
});
