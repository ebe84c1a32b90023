import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { journalStore } from '../../src/store/journal.js';

// Attempts: counted when a message is first journaled; a row a dead process left undecided
// (a suspect) is not counted again by journaling, only by attempt(); giveBack() undoes a
// count for a row still undecided.

const fetched = (uid: number) => ({ mailbox: 'support@imap/INBOX', uidvalidity: 7, uid, messageId: null, sha256: `${uid}`.padStart(64, '0'), rawPath: 'raw/x', size: 10 });

describe('journal attempts', () => {
  it('a new row counts one attempt; journaling it again while undecided (a suspect) counts none', () => {
    const journal = journalStore(openDb(':memory:'));
    expect(journal.recordCounted(fetched(1))).toMatchObject({ counted: true, row: { attempts: 1, outcome: null } });
    expect(journal.recordCounted(fetched(1))).toMatchObject({ counted: false, row: { attempts: 1 } });
    expect(journal.attempt(journal.record(fetched(1)).id).attempts).toBe(2);
  });

  it('an attempt given back is counted again by the next journaling; a decided row never changes', () => {
    const journal = journalStore(openDb(':memory:'));
    const a = journal.record(fetched(1));
    const b = journal.record(fetched(2));
    journal.setOutcome(b.id, { outcome: 'created' });
    journal.giveBack([a.id, b.id]);
    expect([journal.get(a.id)!.attempts, journal.get(b.id)!.attempts]).toEqual([0, 1]);
    expect(journal.recordCounted(fetched(1))).toMatchObject({ counted: true, row: { attempts: 1 } });
    expect(journal.recordCounted(fetched(2))).toMatchObject({ counted: false, row: { attempts: 1, outcome: 'created' } });
  });
});
