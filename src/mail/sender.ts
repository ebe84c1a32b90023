// Who wrote a mail, as the pipeline found out: shared by the router (which decides it) and
// the ticket changes (which carry it to the outbox), so it lives below both.

export type SenderKind = 'client' | 'staff' | 'unknown';

export interface Sender {
  kind: SenderKind;
  email: string;
  name: string;
  staffId?: string;
  organisation?: string;
}
