// Every kind of event row, in one closed list: reports rebuild a ticket's life from these.

export const EVENT_KINDS = [
  // mail in
  'created',
  'client_replied',
  'staff_replied',
  'third_party_wrote',
  'mail_ignored',
  'status_requested',
  'sender_refused',
  'staff_unverified',
  'auto_answer_withheld',
  'staff_mail',
  'reply_address_refused',
  'reply_address_exposed',
  'staff_open_refused',
  // staff at work (ticket service)
  'status_changed',
  'assigned',
  'sent_back',
  'note',
  'retyped',
  'priority_changed',
  // mail out
  'mail_held',
  'mail_refused',
  'mail_retried',
  // scheduler
  'left_in_tbc',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
