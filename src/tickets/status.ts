// The ticket's vocabulary: one type each, imported everywhere (STYLE.md 13). Pure data.

export const STATUSES = ['new', 'open', 'tbc', 'closed'] as const;
/** new (green) → open → tbc (yellow, To Be Checked) → closed. Blue is a flag, not a status. */
export type Status = (typeof STATUSES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ROLES = ['agent', 'lead', 'manager'] as const;
export type Role = (typeof ROLES)[number];

/** Where a change came from; every event records it. */
export type Channel = 'email' | 'cli' | 'cron' | 'system';

/** Who acts: a staff member with their role, or a client by address. */
export type Actor = { kind: 'staff'; id: string; role: Role } | { kind: 'client'; email: string };

/** The checker of a client-opened ticket: any lead or manager. */
export const MANAGEMENT = 'management';

export const isStatus = (s: string): s is Status => (STATUSES as readonly string[]).includes(s);
export const isPriority = (p: string): p is Priority => (PRIORITIES as readonly string[]).includes(p);
