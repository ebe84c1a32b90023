// The signature of a message's new text: what follows a "-- " delimiter line (RFC 3676; "--"
// when an HTML part lost the trailing space), and the footers mail apps add at the end ("Sent
// from my iPhone" and its translations). A sign-off such as "Kind regards, Anna" is part of
// the message, not a signature: it is what the person wrote.

const DELIMITER = /^--[ \t]?$/;
const BLANK = /^[ \t]*$/;
const FOOTER_MAX = 160;
const FOOTER = new RegExp(
  '^[ \\t]*(?:' +
    [
      'sent from (?:my )?.{1,100}',
      'sent with .{1,100}',
      'sent using .{1,100}',
      'sent via .{1,100}',
      'get outlook for .{1,100}',
      'envoyé de mon .{1,100}',
      'envoyé depuis .{1,100}',
      'envoyé avec .{1,100}',
      'envoyé à partir de .{1,100}',
      'télécharger outlook pour .{1,100}',
      'von .{1,100} gesendet',
      'gesendet von .{1,100}',
      'gesendet mit .{1,100}',
      'holen sie sich outlook für .{1,100}',
      'enviado desde .{1,100}',
      'obtener outlook para .{1,100}',
      'inviato da .{1,100}',
      'inviato dal mio .{1,100}',
      'inviato con .{1,100}',
      'enviado con .{1,100}',
      'scarica outlook per .{1,100}',
      'wysłane z .{1,100}',
      'wysłano z .{1,100}',
      'pobierz outlook dla .{1,100}',
      'отправлено с .{1,100}',
      'отправлено из .{1,100}',
      'skickat från .{1,100}',
      'hämta outlook för .{1,100}',
      'verzonden (?:vanaf|met|via) .{1,100}',
      'verstuurd (?:vanaf|met|via) .{1,100}',
      'enviado do .{1,100}',
      'enviado a partir do .{1,100}',
      'obter o outlook para .{1,100}',
      'sendt fra .{1,100}',
      'lähetetty .{1,100}',
    ].join('|') +
    ')\\.?$',
  'iu',
);
// A footer names the phone or the mail app: "Sent from the office" is a sentence.
const FOOTER_APP = /iphone|ipad|android|galaxy|samsung|huawei|xiaomi|pixel|blackberry|outlook|mail|app\b|proton|spark|yahoo|gmx|web\.de|yandex|яндекс|почт|zoho|mobile|handy|smartphone|téléphone|telefon|móvil|cellulare|komórk|мобильн|телефон|phone/iu;

export interface Signed {
  body: string;
  /** The signature with its delimiter line, or null. */
  signature: string | null;
}

function isFooter(line: string): boolean {
  return line.length <= FOOTER_MAX && FOOTER.test(line.trim()) && FOOTER_APP.test(line);
}

/** Splits a new text into body and signature; the body is never made empty. */
export function splitSignature(text: string): Signed {
  const lines = text.split('\n');
  let end = lines.length;
  // Footers at the very end (blank lines between them allowed).
  for (let i = lines.length - 1; i >= 0; i--) {
    if (BLANK.test(lines[i]!)) continue;
    if (!isFooter(lines[i]!)) break;
    end = i;
  }
  // The last delimiter line above them.
  for (let i = end - 1; i > 0; i--) {
    if (DELIMITER.test(lines[i]!)) {
      end = i;
      break;
    }
  }
  const body = lines.slice(0, end).join('\n').trim();
  const sig = lines.slice(end);
  // "-- " then the name: an HTML part's block layout may put a blank line between.
  while (sig.length > 1 && DELIMITER.test(sig[0]!) && BLANK.test(sig[1]!)) sig.splice(1, 1);
  const signature = sig.join('\n').trim();
  if (!body || !signature) return { body: text.trim(), signature: null };
  return { body, signature };
}
