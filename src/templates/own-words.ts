// An agent who answers from their mail client writes like a person: "Hi Maria," at the top and
// "Thanks, Olivia" at the bottom. Wrapping that in our own "Hi Maria Lopez," and "Best
// regards," doubles both, which a client notices. The reply template adds a greeting and a
// sign-off only where the text has none of its own. Lines are checked, not understood: a
// missed greeting costs a doubled "Hi", a false one costs a missing "Hello,".

// The first words of a greeting line, in the languages our staff write in (compared lowercased).
const GREETING = /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|bonjour|bonsoir|salut|cher|chère|hallo|guten (?:morgen|tag|abend)|liebe|lieber|sehr geehrte[rs]?|hola|buenos días|buenas tardes|estimad[oa]|ciao|salve|buongiorno|gentile|cześć|dzień dobry|witam|szanown[aiy]|здравствуйте|добрый день|привет|hej|hejsa|hallå|goedemorgen|goedemiddag|beste|olá|ola|bom dia|boa tarde|prezad[oa])(?=[\s,!.:]|$)/u;

// Closing words before a name: "Best regards,", "Thanks!", "Cordialement", "Viele Grüße".
const CLOSING = /^(?:(?:best|kind|warm|many)(?: regards| wishes)?|regards|cheers|thanks|thank you|many thanks|sincerely|yours(?: sincerely| truly)?|all the best|cordialement|bien à vous|merci|bonne journée|(?:mit )?freundlichen? grüßen|viele grüße|beste grüße|lg|vg|danke|saludos|un saludo|atentamente|gracias|cordiali saluti|saluti|grazie|pozdrawiam|z poważaniem|dziękuję|с уважением|спасибо|med vänliga hälsningar|vänliga hälsningar|mvh|hälsningar|met vriendelijke groet|groeten|groetjes|atenciosamente|obrigad[oa]|abraços?)(?=[\s,!.]|$)/u;

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

/** The text opens with a greeting line of its own ("Hi Maria,", "Bonjour Madame,"). */
export function opensWithGreeting(text: string): boolean {
  const first = lines(text)[0];
  // A greeting is a short line; a long first line is a sentence that happens to start "Hi".
  return first !== undefined && first.length <= 80 && GREETING.test(first.toLowerCase());
}

/**
 * The text ends with a sign-off of its own: a closing word on one of the last three lines, or
 * the agent's name, or one word of it ("Joe" for "IT Joe"), alone on the last line.
 */
export function endsWithSignOff(text: string, staffName: string): boolean {
  const tail = lines(text).slice(-3);
  if (tail.length === 0) return false;
  if (tail.some((l) => l.length <= 60 && CLOSING.test(l.toLowerCase()))) return true;
  const name = staffName.trim().toLowerCase();
  const last = tail[tail.length - 1]!.toLowerCase().replace(/[.,!]+$/, '');
  return name !== '' && (last === name || name.split(/\s+/).includes(last));
}
