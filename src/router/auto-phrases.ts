// Phrase tables for recognising automatic mail by its words, for the senders that set no header
// (old MTAs, hosted autoresponders, challenge-response filters). Pure data plus one builder.
// Every pattern here is linear-time on purpose: alternations of literals, single quantifiers,
// and gaps bounded like [^\n]{0,60}; never a quantified group that itself holds a quantifier
// (test/router/auto-phrases.test.ts checks the sources). Callers also bound the text examined
// to the subject and the first DETECTION_TEXT_CHARS of the body.
// `\b` is ASCII-only in JavaScript, so it is only put next to ASCII letters; a phrase that
// starts with a non-ASCII letter starts after (?:^|\s) instead.

function oneOf(sources: readonly string[], flags = 'i'): RegExp {
  return new RegExp(sources.map((s) => `(?:${s})`).join('|'), flags);
}

// ---------------------------------------------------------------------------- auto-replies

// Subject prefixes that only mail clients' auto-reply features write: enough on their own.
// (Outlook and Exchange localise "Automatic reply:"; Lotus writes "Auto:" forms.)
export const AUTO_REPLY_SUBJECT = oneOf([
  String.raw`^\s*(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response)|auto|autoreply|ooo)\s*:`,
  String.raw`^\s*\[auto[- ]?reply\]`,
  String.raw`^\s*(?:abwesenheitsnotiz|automatische antwort|abwesend)\s*:`, // German
  String.raw`^\s*(?:réponse automatique|reponse automatique|absent(?:e)? du bureau)\s*:`, // French
  String.raw`^\s*(?:respuesta automática|respuesta automatica|fuera de la oficina)\s*:`, // Spanish
  String.raw`^\s*(?:risposta automatica|fuori sede|fuori ufficio)\s*:`, // Italian
  String.raw`^\s*(?:automatisch antwoord|afwezig)\s*:`, // Dutch
  String.raw`^\s*(?:resposta automática|resposta automatica|fora do escritório)\s*:`, // Portuguese
  String.raw`^\s*(?:automatyczna odpowiedź|odpowiedź automatyczna|poza biurem)\s*:`, // Polish
  String.raw`^\s*(?:autosvar|automatiskt svar|automatisk svar|automatisk besvarelse)\s*:`, // Swedish, Danish, Norwegian
  String.raw`^\s*(?:automaattinen vastaus|sjálfvirkt svar)\s*:`, // Finnish, Icelandic
  // A whole subject that is only the notice (the form landed before this table grew).
  String.raw`^\s*(?:out of (?:the )?office|on vacation|away from (?:the )?office)(?:\s+(?:reply|notice|until\b[^\n]{0,80}))?\s*$`,
]);

// Subjects that say "away" but that a person could also write ("Vacation", "Urlaub"): they
// count only when the body's first lines agree. Anchored at the start (after one reply
// marker), and the word must end the subject or be followed by punctuation or a date word,
// so "Vacation banner for the homepage" is not one.
const AWAY_WORDS = [
  'out of (?:the )?office', 'ooo', 'away', 'absent', 'absence', 'on (?:annual )?leave', 'vacation', 'holidays?', 'annual leave',
  'abwesenheit', 'abwesend', 'urlaub', 'ferien', 'nicht im büro', 'außer haus', 'ausser haus', // German
  'absente', 'congés?', 'vacances', 'hors du bureau', // French
  'ausente', 'ausencia', 'vacaciones', 'fuera de (?:la )?oficina', // Spanish
  'assente', 'assenza', 'ferie', 'in ferie', 'vacanza', 'fuori (?:ufficio|sede)', // Italian (ferie also Nordic)
  'afwezig', 'afwezigheid', 'vakantie', 'niet op kantoor', // Dutch
  'ausência', 'férias', 'fora do escritório', // Portuguese
  'poza biurem', 'nieobecność', 'nieobecn[ya]', 'urlop', // Polish
  'semester', 'ledig', 'frånvaro', 'frånvarande', 'inte på kontoret', // Swedish
  'fravær', 'fraværende', 'borte', 'ikke på kontoret', // Danish, Norwegian
  'loma', 'lomalla', 'poissa', 'vuosiloma', // Finnish
  'í fríi', 'fjarverandi', // Icelandic
];
const AFTER_AWAY = String.raw`(?=\s*$|\s*[:\-–(\[,!.]|\s+(?:until|till|from|notice|reply|message|bis|vom|ab|du|jusqu|hasta|desde|dal|fino|tot|van|até|ate|od|do|fram|til|asti|re\s*:|aw\s*:|sv\s*:))`;
export const AWAY_SUBJECT = new RegExp(
  String.raw`^\s*(?:(?:re|aw|sv|vs|antw|odp|r|rif|res)\s*:\s*)?(?:${AWAY_WORDS.join('|')})${AFTER_AWAY}`,
  'i',
);

// First-person "I am away" statements auto-replies open with, per language. A person writes
// these too ("I am out of the office until Monday, can you..."), so alone they never decide:
// they need an away subject, or the closing phrases below plus a reply-shaped mail.
export const AWAY_STATEMENT = oneOf([
  // English
  String.raw`\b(?:I am|I'm|I will be|I'll be|I shall be)\s(?:currently\s|now\s|presently\s)?(?:out of (?:the )?office|ooo\b|away from (?:the |my )?(?:office|desk)|on (?:annual |parental |maternity |paternity |sick )?(?:leave|vacation|holidays?)|not in (?:the )?office|away|absent|travell?ing|off work)`,
  // German: "Ich bin bis 3. Januar nicht im Büro", "Bis Montag bin ich im Urlaub"
  String.raw`\b(?:ich bin|bin ich|ich befinde mich|befinde ich mich)\s[^\n]{0,80}?(?:nicht im büro|nicht im hause?|nicht am arbeitsplatz|abwesend|im urlaub|außer haus|ausser haus|nicht erreichbar|in elternzeit|auf dienstreise)`,
  // French
  String.raw`\bje (?:suis|serai)\s[^\n]{0,60}?(?:absent|en congé|en conge|en vacances|hors du bureau|en dehors du bureau|pas au bureau|en déplacement)`,
  // Spanish
  String.raw`\b(?:estoy|estaré|estare|me encuentro)\s[^\n]{0,60}?(?:fuera de (?:la )?oficina|de vacaciones|ausente|de viaje)`,
  // Italian
  String.raw`\b(?:sono|sarò|saro)\s[^\n]{0,60}?(?:fuori (?:ufficio|sede)|in ferie|assente|in vacanza)`,
  // Dutch
  String.raw`\bik (?:ben|zal)\s[^\n]{0,60}?(?:afwezig|met vakantie|op vakantie|niet op kantoor|niet aanwezig|buiten kantoor)`,
  // Portuguese
  String.raw`\b(?:estou|estarei|encontro-me)\s[^\n]{0,60}?(?:ausente|de férias|em férias|fora do escritório|fora do escritorio)`,
  // Polish
  String.raw`\b(?:jestem|będę|bede)\s[^\n]{0,60}?(?:poza biurem|na urlopie|nieobecn|niedostępn|niedostepn)`,
  // Swedish
  String.raw`\bjag är\s[^\n]{0,60}?(?:på semester|ledig|inte på kontoret|tjänstledig|föräldraledig|borta|frånvarande|bortrest)`,
  // Danish, Norwegian
  String.raw`\bjeg er\s[^\n]{0,60}?(?:på ferie|ikke på kontoret|fraværende|borte|på barsel|ikke til stede|ikke tilstede|ude af huset|på reise)`,
  // Finnish
  String.raw`\bolen\s[^\n]{0,60}?(?:lomalla|poissa|vuosilomalla|työmatkalla|matkoilla)`,
  // Icelandic
  String.raw`(?:^|\s)ég er\s[^\n]{0,60}?(?:í fríi|í sumarfríi|fjarverandi|ekki við|utan skrifstofu|ekki á skrifstofunni)`,
]);

// What an auto-reply says after the absence and a person's request does not: where to turn
// meanwhile, that mail waits or is not forwarded, that access is limited.
export const AWAY_CLOSING = oneOf([
  String.raw`\b(?:for|in|with) urgent (?:matters|cases|issues|enquiries|inquiries|requests)|\bif (?:it is|it's|your (?:matter|message|request) is) urgent|\blimited (?:access|connectivity)\b|\bno access to (?:my )?e-?mail|\b(?:reply|respond|answer|get back to you|attend to your|deal with your)[^\n]{0,40}?\b(?:on|upon|after) my return|\b(?:will not|won't) be (?:read|forwarded|monitored)`,
  String.raw`\bin dringenden (?:fällen|angelegenheiten)|\bbei dringenden|\bnach meiner rückkehr|\beingeschränkte[mn]? (?:zugriff|zugang)|\bkeinen (?:zugriff|zugang) auf|\bwird nicht weitergeleitet|\bwerden nicht weitergeleitet|\bmeine vertretung`, // German
  String.raw`\ben cas d'urgence|\bpour toute urgence|\bà mon retour|\bdès mon retour|\baccès limité|\bne sera pas transféré`, // French
  String.raw`\b(?:para|en) (?:asuntos|casos) urgentes|\bcon urgencia|\ba mi regreso|\ba mi vuelta|\bacceso limitado`, // Spanish
  String.raw`\bper (?:urgenze|questioni urgenti|comunicazioni urgenti)|\bal mio rientro|\bal mio ritorno|\baccesso limitato`, // Italian
  String.raw`\bin dringende gevallen|\bvoor dringende (?:zaken|vragen)|\bna mijn terugkeer|\bbij (?:mijn )?terugkomst|\bbeperkt toegang`, // Dutch
  String.raw`\bpara assuntos urgentes|\bem caso de urgência|\bno meu regresso|\bapós o meu regresso|\bquando (?:eu )?(?:regressar|voltar|retornar)|\bacesso limitado`, // Portuguese
  String.raw`\bw pilnych sprawach|\bpo (?:moim )?powrocie|\bograniczony dostęp`, // Polish
  String.raw`\bi brådskande ärenden|\bnär jag (?:är|kommer) tillbaka|\bbegränsad tillgång`, // Swedish
  String.raw`\bi (?:presserende|hastende) tilfælde|\bnår jeg er tilbage|\bbegrænset adgang|\bnår jeg er tilbake|\bbegrenset tilgang|\bi (?:presserende|hastesaker)`, // Danish, Norwegian
  String.raw`\bkiireellisissä|\bpalattuani|\bkun palaan|\brajoitetusti`, // Finnish
  String.raw`(?:^|\s)(?:í áríðandi|ef málið er brýnt|þegar ég kem til baka)`, // Icelandic
]);

// The thank-you line auto-replies open with. A person starting a new request rarely thanks us
// for a message first; with an away subject it is the agreement the subject needs.
export const THANKS_FOR_MESSAGE = oneOf([
  String.raw`\b(?:thank you|thanks|many thanks) for your (?:e-?mail|message|mail|enquiry|inquiry)`,
  String.raw`\b(?:vielen )?dank für ihre (?:nachricht|e-?mail|mail|anfrage)`, // German
  String.raw`\bmerci (?:pour|de) votre (?:message|e-?mail|courriel)`, // French
  String.raw`\bgracias por su (?:mensaje|correo|e-?mail)`, // Spanish
  String.raw`\bgrazie per (?:il suo|la sua|il tuo|la tua) (?:messaggio|e-?mail|mail)`, // Italian
  String.raw`\bbedankt voor (?:uw|je) (?:bericht|e-?mail|mail)`, // Dutch
  String.raw`\bobrigad[oa] (?:pela sua mensagem|pelo seu e-?mail|pelo seu contacto|pelo seu contato)`, // Portuguese
  String.raw`\bdziękuję za (?:wiadomość|e-?mail|maila)`, // Polish
  String.raw`\btack för (?:ditt|ert|din) (?:mejl|meddelande|e-?post|mail)|\btak for (?:din|jeres) (?:mail|e-?mail|besked|henvendelse)|\btakk for (?:din|e-?posten|henvendelsen|meldingen)`, // Nordic
  String.raw`\bkiitos viestistäsi|\bkiitos sähköpostistasi|\btakk fyrir (?:póstinn|skilaboðin)`, // Finnish, Icelandic
]);

// Quoted history in the text: a person's reply usually carries it, an auto-reply rarely does.
export const QUOTED_HISTORY = oneOf([
  String.raw`^[ \t]*>`,
  String.raw`^[ \t]*-{2,}[ \t]*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original)`,
  String.raw`(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|napisał|skrev|kirjoitti):[ \t]*$`,
], 'im');

// ---------------------------------------------------------------------------- read receipts

// Plain-text receipts (Outlook without an MDN part, Lotus "Return Receipt"): subject prefix...
export const RECEIPT_SUBJECT = oneOf([
  String.raw`^\s*(?:read|not read|read receipt|return receipt|delivered|gelesen|nicht gelesen|zugestellt|lu|non lu|remis|leído|leido|no leído|entregado|letto|non letto|consegnato|gelezen|niet gelezen|bezorgd|lido|não lido|entregue|przeczytano|przeczytana|dostarczono|läst|oläst|levererat|læst|ulæst|leveret|lest|ulest|levert|luettu|lukematon|toimitettu|lesið)\s*:`,
  String.raw`^\s*(?:return receipt|read receipt|lesebestätigung|accusé de lecture|confirmación de lectura|conferma di lettura|leesbevestiging|confirmação de leitura|potwierdzenie przeczytania|läskvitto|læsekvittering|lesebekreftelse|lukukuittaus)\b`,
]);

// ...and the body sentence that says what happened to "your message".
export const RECEIPT_BODY = oneOf([
  String.raw`\bwas read on\b|\bwas deleted without being read|\bhas been delivered to the following recipients?|\bwas received by:`,
  String.raw`\bwurde am\s[^\n]{0,60}?gelesen|\bwurde ohne lesen gelöscht|\bwurde an folgende empfänger übermittelt`, // German
  String.raw`\ba été lu\b|\ba été supprimé sans avoir été lu|\ba été remis`, // French
  String.raw`\bfue leído|\bse ha entregado|\bha sido entregado`, // Spanish
  String.raw`(?:^|\s)è stato (?:letto|consegnato)`, // Italian
  String.raw`\bis gelezen op|\bis bezorgd`, // Dutch
  String.raw`\bfoi lida?\b|\bfoi entregue`, // Portuguese
  String.raw`\bzostała przeczytana|\bzostała dostarczona`, // Polish
  String.raw`\blästes\b|\bhar levererats|\bblev læst|\ber blevet leveret|\bble lest|\bhar blitt levert|\bluettiin\b|\bon toimitettu|\bvar lesið`, // Nordic
]);

// ---------------------------------------------------------------------------- challenge-response

// Challenge-response filters (BoxTrapper, Spam Arrest, Mailwasher, TMDA, Qurb-like) answer
// every new sender asking them to prove they are a person. Three families; a challenge has the
// first two. A person writing to us about a CAPTCHA on their site uses the first, rarely the
// second ("their message", not "your message is held"), and asks a question.
// (a) the test itself:
export const CHALLENGE_HUMAN_CHECK = oneOf([
  String.raw`\b(?:confirm|verify|prove|show)\s(?:that\s)?you(?:'re|\sare)\s(?:a\s)?(?:real\s|live\s|real live\s)?(?:human|person|not a (?:robot|bot|spammer|machine|computer|spam robot))`,
  String.raw`\bsenders? (?:to )?verify themselves|\bone-time (?:sender )?verification|\bcomplete the verification\b`,
  String.raw`\bbestätigen sie,? dass sie (?:ein mensch|kein roboter)|\bconfirmez que vous (?:êtes|etes) (?:un humain|une personne)|\bconfirme que (?:eres|es) (?:un humano|una persona)`,
]);
// (b) the message being held back for it:
export const CHALLENGE_HELD = oneOf([
  String.raw`\byour (?:e-?mail|message|mail)\s[^\n]{0,80}?\b(?:has been|is being|was|is|will be|will only be)\s(?:held|quarantined|queued|placed on hold|put on hold|kept|delivered (?:once|after|when|as soon as)|released (?:once|after|when))`,
  String.raw`\bthe (?:message|e-?mail) you sent\b[^\n]{0,60}?\b(?:requires|is held|was held|has been held|is pending|quarantined)|\bto complete (?:this|the) verification\b`,
  String.raw`\bpending (?:your )?(?:verification|confirmation|approval)|\bbefore (?:your|their) (?:e-?mail|message|mail) (?:is|will be|can be) delivered|\b(?:approved|authori[sz]ed|allowed) senders? list|\bchallenge[- ]response\b`,
]);
// (c) the filter speaking for its owner:
export const CHALLENGE_SELF = oneOf([
  String.raw`\bmy (?:spam|junk|anti-?spam) (?:filter|protection|blocker|software|control)|\bI (?:use|am using|have) (?:a |an )?(?:spam|anti-?spam|junk|challenge)|\bprotecting myself from (?:receiving )?(?:junk|spam)|\bthis is an automated (?:message|reply|response)`,
]);
// Subjects such filters use; they still need one family from the body.
export const CHALLENGE_SUBJECT = oneOf([
  String.raw`^\s*(?:please )?(?:confirm|verify) (?:your (?:e-?mail|message|address)|you are (?:a )?human)|^\s*(?:sender )?verification (?:required|request|needed)|^\s*(?:your )?message (?:held|pending|awaiting)\b|^\s*(?:please )?(?:confirm|verify) (?:that )?(?:your )?(?:e-?mail|message)`,
]);

// ---------------------------------------------------------------------------- bounces

// Anchored bounce subjects: the forms MTAs write, whole or followed by ":" / "(" / "-" (a
// person's "Delivery failed for order 5512" or "Undelivered mails from our form" goes on),
// so alone they decide; a person forwarding one has "Fwd:" in front.
const SUBJECT_END = String.raw`(?=\s*(?:[:(\-–]|$))`;
export const BOUNCE_SUBJECT = oneOf([
  String.raw`^\s*undelivered mail returned to sender|^\s*mail delivery failed: returning message to sender|^\s*returned mail: see transcript`,
  String.raw`^\s*(?:undeliver(?:ed|able)(?: mail| message)?|delivery (?:status notification|failure|has failed|failed|notification)|mail delivery (?:failed|failure|subsystem)|returned mail|failure notice|message not delivered|non[- ]?delivery (?:report|notification)|nondeliverable(?: mail| message)?|mail system error)${SUBJECT_END}`,
  String.raw`^\s*(?:unzustellbar|nicht zustellbar|non remis|onbestelbaar|non recapitabile|no se puede entregar|não é possível entregar|nie można dostarczyć|olevererbart|ikke leveret|kan ikke leveres|kunne ikke leveres|ei voitu toimittaa|ei voida toimittaa)\s*:`,
]);

// Words that make a subject look machine-written when they appear anywhere in it; used only
// together with a bounce's first lines.
export const BOUNCE_SUBJECT_WORDS = oneOf([
  String.raw`undeliver|non-?deliver|not (?:been )?delivered|delivery (?:status|notification|report|delayed)|delivery has failed|failed delivery|could not be delivered|returned (?:mail|message)|failure notice|mail system|message status|delayed mail|warning: (?:could not|message)`,
  String.raw`unzustellbar|zustellung fehlgeschlagen|non remis|non-remise|non recapitabil|no entregad|onbestelbaar|niet bezorgd|não entregue|niedostarcz|olevererbar|ikke leveret|ikke levert|toimitus epäonnistui`,
]);

// Senders that are mail systems rather than people (local parts and display names).
export const SYSTEM_SENDER_LOCAL = /^(?:mailer-?daemon|mail-?daemon|postmaster|mail-?delivery|mail\.delivery|mdaemon|mail-?admin|mail-?system|bounces?|bounce[-+._]|no-?reply|donotreply|do-not-reply|nobody|daemon|root|smtp|qmail|mailer)(?:[-+._]|@|$)/i;
export const SYSTEM_SENDER_NAME = /^\s*(?:mail delivery (?:subsystem|system|service)|mail (?:administrator|system|daemon)|postmaster|mailer[- ]daemon|system administrator|microsoft (?:outlook|exchange)|lotus notes|groupwise|delivery (?:subsystem|notification|status))\b/i;

// The first lines of free-text bounces (no DSN part): qmail, Exim, Sendmail, Postfix,
// Exchange/Outlook, Lotus Notes/Domino, GroupWise, hosted webmail, and localised forms.
export const BOUNCE_TEXT = oneOf([
  String.raw`\bthis is the qmail-send program\b|\bI'm afraid I wasn't able to deliver your message|\bI'm sorry to have to inform you that your message could not|\bthis is the mail system at host\b`,
  String.raw`\bthis message was created automatically by mail delivery software|\ba message that you sent could not be delivered|\bthe following addresses had permanent fatal errors|\btranscript of session follows|\bthe original message was received at\b`,
  String.raw`\bdelivery has failed to these recipients|\byour message did not reach some or all of the intended recipients|\byour message (?:to [^\n]{0,80}?)?(?:couldn't|could not|wasn't|was not|cannot|can't) be delivered|\byour message wasn't delivered|\bdelivery to the following recipients? (?:failed|has been delayed)`,
  String.raw`\bcould not be delivered to one or more (?:of its )?recipients|\bwas not delivered to:|\bunable to deliver (?:your )?message to the following|\bwe were unable to deliver your message|\bmessage delivery (?:has )?failed|\bthis is an automatically generated delivery status notification|\bthe following recipient\(s\) could not be reached`,
  String.raw`\b5[0-9][0-9][ -]5\.[0-9]{1,3}\.[0-9]{1,3}\b`, // an SMTP permanent failure with its enhanced status code
  // Localised forms name the message, so a shop's "the parcel could not be delivered" is not one.
  String.raw`\b(?:nachricht|e-?mail|mail)\s(?:an [^\n]{0,60}?)?konnte nicht zugestellt werden|\bzustellung (?:der nachricht |ist )?fehlgeschlagen|\bmessage\s[^\n]{0,60}?n'a pas pu être (?:remis|distribué|délivré)|\béchec de (?:la )?remise du message`,
  String.raw`\b(?:mensaje|correo)\s[^\n]{0,60}?no se (?:pudo|ha podido) entregar|\bno se (?:pudo|ha podido) entregar (?:el|su) (?:mensaje|correo)|\bmessaggio\s[^\n]{0,60}?non (?:è stato|può essere) (?:recapitato|consegnato)|\bimpossibile recapitare il messaggio`,
  String.raw`\bbericht\s[^\n]{0,60}?(?:kon niet worden (?:bezorgd|afgeleverd)|is niet bezorgd)|\bmensagem\s[^\n]{0,60}?(?:não pôde ser entregue|não foi entregue)|\bnão foi possível entregar a (?:sua )?mensagem|\bwiadomość\s[^\n]{0,60}?nie (?:mogła zostać|została|może zostać) dostarczona`,
  String.raw`\b(?:meddelande|meddelandet)\s[^\n]{0,60}?kunde inte levereras|\b(?:meddelelse|meddelelsen|beskeden|meldingen)\s[^\n]{0,60}?kunne ikke (?:leveres|afleveres)|\bviesti[^\n]{0,60}?ei voitu toimittaa`,
]);

// ---------------------------------------------------------------------------- questions

/** A question mark outside links: people ask us things, notices instruct (and link with "?"). */
export function asksSomething(text: string): boolean {
  const prose = text.replace(/https?:\/\/\S+/gi, '');
  return prose.includes('?') || prose.includes('¿');
}
