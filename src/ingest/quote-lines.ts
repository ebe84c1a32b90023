// Text heuristics for the quoted history of a reply, line by line, top down. A line is read by
// anchored or length-capped patterns only, so the scan is linear in the text (it runs in the
// parse worker on every mail). What counts as history:
// - "> " lines, wherever they are (an inline answer keeps the lines between them), and the
//   attribution just above a run of them ("On <date>, X wrote:", "Am … schrieb X:", a
//   date-first "23.11.2026, 09:14, X <x@y>:"), also when folded over two or three lines;
// - from a separator ("-----Original Message-----" and its translations), an Outlook-style
//   header block (From/Sent/To/Subject in a dozen languages, in any order), or an attribution
//   with an address and no "> " lines below it (Yahoo, Zoho), everything to the end.
// A forward marker ("---------- Forwarded message ---------") before any of these means the
// mail is a forward, whose content is the message and is kept.

const ATTRIBUTION_MAX = 400;
// Separators, forward markers and header labels are short: a longer line is never tested, so
// no pattern meets a hostile line of 300,000 spaces.
const MARKER_MAX = 200;

const HEADER_LABELS: Record<string, readonly string[]> = {
  from: ['from', 'von', 'de', 'van', 'da', 'od', 'от', 'från', 'fra', 'lähettäjä', 'feladó', 'kimden', 'expéditeur', 'mittente', 'nadawca', 'afzender', 'avsändare', 'remitente'],
  sent: ['sent', 'date', 'gesendet', 'datum', 'envoyé', 'enviado', 'fecha', 'inviato', 'data', 'wysłano', 'wysłane', 'enviado el', 'enviado em', 'enviada em', 'envoyé le', 'отправлено', 'дата', 'skickat', 'verzonden', 'sendt', 'enviada', 'lähetetty', 'gönderildi', 'tarih', 'odesláno', 'elküldve', 'dátum'],
  to: ['to', 'an', 'à', 'a', 'para', 'aan', 'do', 'кому', 'till', 'til', 'vastaanottaja', 'címzett', 'kime', 'komu', 'destinataire', 'destinatario', 'adresat'],
  cc: ['cc', 'kopie', 'копия', 'kopia', 'kopio', 'másolat', 'bilgi', 'dw'],
  subject: ['subject', 'betreff', 'objet', 'asunto', 'oggetto', 'temat', 'тема', 'ämne', 'onderwerp', 'assunto', 'emne', 'aihe', 'tárgy', 'konu', 'předmět', 'sujet'],
};
const LABEL_GROUP = new Map<string, string>(Object.entries(HEADER_LABELS).flatMap(([group, labels]) => labels.map((l) => [l, group] as const)));
// "From:", "*Von:*", "Envoyé :", "Date :" — a short label, then a colon.
const LABEL = /^[ \t*]*([\p{L}][\p{L} .]{0,15}?)[ \t*\u00a0]*:/u;

const SEPARATOR = new RegExp(
  '^[ \\t]*-{2,}[ \\t]*(?:original message|original-nachricht|original nachricht|ursprüngliche nachricht|message d\'origine|mensaje original|messaggio originale|oryginalna wiadomość|wiadomość oryginalna|исходное сообщение|ursprungligt meddelande|oorspronkelijk bericht|origineel bericht|mensagem original|oprindelig besked|opprinnelig melding|alkuperäinen viesti)[ \\t]*-*[ \\t]*$',
  'iu',
);
const FORWARD = new RegExp(
  '^[ \\t]*[-=]*[ \\t]*(?:forwarded message|forwarded e-?mail|begin forwarded message|weitergeleitete nachricht|anfang der weitergeleiteten nachricht|message transféré|début du message (?:réexpédié|transféré)|mensaje reenviado|inicio del mensaje reenviado|messaggio inoltrato|inizio messaggio inoltrato|wiadomość przekazana dalej|przekazana wiadomość|пересылаемое сообщение|пересланное сообщение|начало переадресованного сообщения|vidarebefordrat meddelande|början på vidarebefordrat brev|doorgestuurd bericht|begin doorgestuurd bericht|mensagem encaminhada|início da mensagem reencaminhada|videresendt meddelelse|videresendt melding)[ \\t]*:?[ \\t]*[-=]*[ \\t]*$',
  'iu',
);
// A rule line drawn above an Outlook block ("________________________________", an <hr>).
const RULE = /^[ \t]*[_\-=—]{5,}[ \t]*$/;
const QUOTED = /^[ \t]*>/;
const BLANK = /^[ \t\u00a0]*$/;

const VERB =
  '(?:wrote|writes|schrieb|geschrieben|geschreven|napisana|a écrit|a ecrit|escribió|escribio|ha escrito|ha scritto|scrisse|pisze|napisał\\(a\\)|napisała|napisał|пишет|написал\\(а\\)|написала|написал|skrev|skriver|schreef|escreveu|kirjoitti|írta|napsal\\(a\\)|napsal|yazdı|写道|작성)';
// The verb as a word, then up to a name and address before the colon ("Am … schrieb X <x@y>:").
const WITH_VERB = new RegExp(`(?:^|[\\s,])${VERB}(?:[\\s:：]|$)`, 'iu');
const ENDS_COLON = /[:：][ \t]*$/;
// Zoho: "---- On Mon, 23 Nov 2026 09:14 +0100 X <x@y> wrote ----"
const DASHED = new RegExp(`^[ \\t]*-{2,}.*(?:^|\\s)${VERB}(?:\\s.*)?-{2,}[ \\t]*$`, 'iu');
const ADDRESS_END = /[>\])][ \t]*[:：][ \t]*$/;
const TIME = /\d{1,2}[:.h]\d{2}/;
const YEAR = /(?:19|20)\d{2}/;
const DIGIT = /\d/;
const ATTRIBUTION_START = /^[ \t]*[\p{L}\d]+[\s,.]/u;

function labelGroup(line: string): string | null {
  const m = LABEL.exec(line.length > MARKER_MAX ? line.slice(0, MARKER_MAX) : line);
  return m ? (LABEL_GROUP.get(m[1]!.trim().toLowerCase()) ?? null) : null;
}

/** An attribution line ("On …, X wrote:"); strong when it alone may cut the rest (has an address). */
export function attribution(text: string): 'strong' | 'weak' | null {
  if (text.length > ATTRIBUTION_MAX) return null;
  const t = text.trim();
  const at = t.includes('@');
  if (DASHED.test(t)) return 'strong';
  if (!ENDS_COLON.test(t)) return null;
  if (WITH_VERB.test(t) && (at || DIGIT.test(t))) return at ? 'strong' : 'weak';
  // Date first, then the name and address: "23.11.2026, 09:14, "X" <x@y>:", "2026-11-23 9:14 GMT+01:00 X <x@y>:".
  if (at && ADDRESS_END.test(t) && (TIME.test(t) || YEAR.test(t))) return 'strong';
  return null;
}

/** Lines (1–3) of an attribution starting at line i, and its strength. */
function attributionAt(lines: readonly string[], i: number): { n: number; strength: 'strong' | 'weak' } | null {
  let joined = lines[i]!;
  if (joined.length > ATTRIBUTION_MAX || BLANK.test(joined)) return null;
  for (let n = 1; n <= 3 && i + n <= lines.length; n++) {
    if (n > 1) {
      const next = lines[i + n - 1]!;
      if (BLANK.test(next) || QUOTED.test(next) || /[.!?]$/.test(lines[i + n - 2]!.trim())) return null;
      joined = `${joined} ${next.trim()}`;
    }
    const strength = attribution(joined);
    if (strength) {
      // Folded: not when the lines below make an attribution that starts like one ("Thanks" then
      // "On … wrote:"); "support@x> wrote:" is the tail of one folded before the address.
      if (n > 1 && ATTRIBUTION_START.test(lines[i + 1]!) && attributionAlone(lines, i + 1, n - 1)) return null;
      return { n, strength };
    }
    if (ENDS_COLON.test(joined)) return null;
  }
  return null;
}

function attributionAlone(lines: readonly string[], i: number, n: number): boolean {
  return attribution(lines.slice(i, i + n).map((l) => l.trim()).join(' ')) !== null;
}

/** An Outlook-style header block starting at line i: a From or Sent label, then more labels. */
function headerBlockAt(lines: readonly string[], i: number): boolean {
  const first = labelGroup(lines[i]!);
  if (first !== 'from' && first !== 'sent') return false;
  const groups = new Set([first]);
  for (let j = i + 1; j < Math.min(lines.length, i + 7); j++) {
    const g = labelGroup(lines[j]!);
    if (!g) {
      // A long name or subject folded onto a second line; a blank line ends the block.
      if (BLANK.test(lines[j]!)) break;
      continue;
    }
    groups.add(g);
  }
  return groups.has('from') && (groups.size >= 3 || groups.has('sent'));
}

export type BoundaryKind = 'separator' | 'header-block' | 'attribution';

export interface QuoteScan {
  /** The lines that are not history, in order. */
  kept: string[];
  /** Where the history that runs to the end starts, if anywhere. */
  boundary: BoundaryKind | null;
  /** Whether any "> " line or its attribution was dropped. */
  droppedQuotes: boolean;
  /** A forward marker came before any history: the whole text is the message. */
  forward: boolean;
}

export function scanQuotes(text: string): QuoteScan {
  const lines = text.split('\n');
  const kept: string[] = [];
  let droppedQuotes = false;
  const done = (boundary: BoundaryKind | null, forward = false): QuoteScan => ({ kept, boundary, droppedQuotes, forward });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (QUOTED.test(line)) {
      droppedQuotes = true;
      continue;
    }
    if (BLANK.test(line)) {
      kept.push(line);
      continue;
    }
    const short = line.length <= MARKER_MAX;
    if (short && FORWARD.test(line)) return done(null, true);
    if (short && SEPARATOR.test(line)) return done('separator');
    if (headerBlockAt(lines, i)) {
      // The rule line drawn above the block goes with it.
      while (kept.length && (BLANK.test(kept[kept.length - 1]!) || RULE.test(kept[kept.length - 1]!))) kept.pop();
      return done('header-block');
    }
    const attr = attributionAt(lines, i);
    if (attr) {
      let j = i + attr.n;
      while (j < lines.length && j < i + attr.n + 2 && BLANK.test(lines[j]!)) j++;
      if (j < lines.length && QUOTED.test(lines[j]!)) {
        droppedQuotes = true;
        i = j - 1;
        continue;
      }
      if (attr.strength === 'strong') return done('attribution');
    }
    kept.push(line);
  }
  return done(null);
}

/** True when the text holds quoted history: a "> " line, a separator, a header block or an attribution with an address. */
export function holdsHistory(text: string): boolean {
  const scan = scanQuotes(text);
  return scan.boundary !== null || scan.droppedQuotes;
}
