import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/router/pipeline.js';
import { ctxOf, mailOf } from '../support/router.js';

// Clients' real requests that use the words automatic mail uses: being away, vacations,
// bounces, read receipts, CAPTCHAs, delivery. Through the whole pipeline, each must open a
// ticket: a request dropped as automatic mail is a client never answered.

const requests: [string, string][] = [
  ['Before my vacation: menu page', 'Hi, I will be out of office next week, can you fix the site before?'],
  ['Out of office message on the website', 'Hi, please add a note to the contact page that we are out of the office from 20 December.'],
  ['Vacation', 'We are closed for vacation from 20 December to 6 January. Please put a banner on the homepage.'],
  ['Holiday hours', 'I am on holiday from Monday. Please update the opening hours on Google and the website before then.'],
  ['Away message for our shop', 'Could you set up an automatic reply for orders@ while we are away in January?'],
  ['Automatic replies not working', 'Our automatic reply stopped working after the migration. Can you look at it?'],
  ['Urlaub', 'Hallo, ich bin ab Montag im Urlaub. Bitte stellen Sie vorher den neuen Speiseplan online.'],
  ['Abwesenheitsnotiz einrichten', 'Können Sie für info@ eine Abwesenheitsnotiz einrichten? Ich bin bis 3. Januar nicht im Büro.'],
  ['Vacances', "Je suis en vacances à partir du 21. Pouvez-vous publier les horaires d'hiver avant ?"],
  ['Vacaciones', 'Estoy de vacaciones desde el lunes, por favor actualicen la carta en la web antes.'],
  ['Ferie', 'Sono in ferie dalla prossima settimana, potete aggiornare il sito prima?'],
  ['Vakantie', 'Ik ben met vakantie vanaf maandag. Kunnen jullie de nieuwe prijzen online zetten?'],
  ['Férias', 'Estou de férias a partir de segunda. Podem atualizar o menu no site antes disso?'],
  ['Urlop', 'Jestem na urlopie od poniedziałku, proszę zaktualizować cennik na stronie.'],
  ['Semester', 'Jag är på semester från måndag, kan ni lägga upp de nya öppettiderna innan dess?'],
  ['Ferie', 'Jeg er på ferie fra mandag. Kan I lægge de nye priser på siden inden?'],
  ['Loma', 'Olen lomalla ensi viikolla, voisitteko päivittää aukioloajat sivuille ennen sitä?'],
  ['Undelivered mails from our contact form', 'Hi, our contact form mails are not arriving since Friday. Can you check?'],
  ['Fwd: Undelivered Mail Returned to Sender', "Why does this bounce?\n\nThis is the mail system at host mx.example.\nI'm sorry to have to inform you that your message could not be delivered."],
  ['Delivery failed for order 5512', 'The shop says delivery failed for order 5512, but the parcel arrived. Please fix the status.'],
  ['Read receipts', 'Read: can you turn off the read receipts our newsletter tool asks for?'],
  ['Contact form: confirm you are a human', 'Our form asks visitors to confirm you are a human and their message is held. Can you remove it?'],
  ['Please verify your email address', 'Our shop sends "please verify your email address" mails that never arrive. Help!'],
  ['Newsletter spam complaints', 'Our newsletter provider reports abuse complaints (feedback reports). What should we do?'],
  ['Re: your quote', 'Thanks for your message. I am travelling until Thursday, but please go ahead with option B.'],
];

describe('client requests that mention automatic-mail words', () => {
  it.each(requests)('"%s" opens a ticket', async (subject, body) => {
    const { plan, trace } = runPipeline(await mailOf({ Subject: subject }, body), ctxOf());
    expect({ action: plan.action, by: trace.at(-1)!.stage }).toMatchObject({ action: 'create' });
  });
});
