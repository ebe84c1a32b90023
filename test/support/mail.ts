import type { Mail, PipelineResult, Plan, Sender } from '../../src/router/types.js';

// Plain Mail values for unit tests of the store side (the parser has its own tests).

export function fakeMail(over: Partial<Mail> = {}): Mail {
  return {
    messageId: 'm1@client.example',
    inReplyTo: [],
    references: [],
    subject: 'Refund for order 1234',
    from: { address: 'ann@client.example', name: 'Ann Client' },
    replyTo: [],
    to: [{ address: 'support@agency.example', name: '' }],
    cc: [],
    recipients: ['support@agency.example'],
    date: null,
    headers: {},
    text: 'Please refund my order.\n\n> old quote',
    visibleText: 'Please refund my order.',
    signature: null,
    html: null,
    attachments: [],
    warnings: [],
    originators: { from: [{ address: 'ann@client.example', name: 'Ann Client' }], replyTo: [], groups: [] },
    authResults: [],
    ...over,
  };
}

export const client = (email = 'ann@client.example', name = 'Ann Client'): Sender => ({ kind: 'client', email, name });
export const staff = (id: string, email = `${id}@agency.example`): Sender => ({ kind: 'staff', email, name: id, staffId: id });

export const result = (plan: Plan): PipelineResult => ({ decision: {}, plan, trace: [{ stage: 'test', result: 'plan' }] });
