// Words the generated support mail is made of: clients of a small web agency writing about
// refunds, broken sites, Facebook pages, SEO and invoices, as in the process documents.

export type RequestKind = 'refund' | 'tech' | 'facebook' | 'seo' | 'billing' | 'unmatched';

/** Share of each request type in the generated mailbox. */
export const kindWeights: readonly (readonly [RequestKind, number])[] = [
  ['refund', 16],
  ['tech', 22],
  ['facebook', 12],
  ['seo', 14],
  ['billing', 16],
  ['unmatched', 20],
];

export const firstNames = [
  'Anna', 'Ben', 'Carla', 'David', 'Elena', 'Frank', 'Grace', 'Hector', 'Ines', 'Jack', 'Karen',
  'Liam', 'Maria', 'Nora', 'Oscar', 'Paula', 'Quentin', 'Rosa', 'Sam', 'Tara', 'Umar', 'Vera',
  'Walter', 'Xenia', 'Yusuf', 'Zoë', 'José', 'Björn', 'Chloé', 'Renée', 'Łukasz', 'Søren',
] as const;

export const lastNames = [
  'Adams', 'Baker', 'Chen', 'Diaz', 'Evans', 'Fischer', 'García', 'Hughes', 'Ivanova', 'Jones',
  'Kowalski', 'Lopez', 'Müller', 'Nguyen', 'O\'Brien', 'Patel', 'Quinn', 'Rossi', 'Smith',
  'Thompson', 'Underwood', 'Vasquez', 'Walsh', 'Young', 'Zimmermann',
] as const;

export const businesses = [
  ['Bluebird Bakery', 'bluebirdbakery.com'],
  ['Harbor Dental', 'harbordental.net'],
  ['Pine Street Plumbing', 'pinestreetplumbing.com'],
  ['Sunrise Yoga', 'sunriseyoga.studio'],
  ['Miller & Sons Roofing', 'millerroofing.us'],
  ['Green Valley Vets', 'greenvalleyvets.org'],
  ['Corner Books', 'cornerbooks.co'],
  ['Lakeside Auto Repair', 'lakesideauto.com'],
  ['Bella Hair Salon', 'bellahair.biz'],
  ['Summit Realty', 'summitrealty.com'],
  ['Oak & Iron Furniture', 'oakandiron.com'],
  ['Riverside Law Group', 'riversidelaw.com'],
  ['Tasty Tacos', 'tastytacos.menu'],
  ['Northwind Landscaping', 'northwindlandscape.com'],
  ['Peak Fitness', 'peakfitness.gym'],
  ['Little Sprouts Daycare', 'littlesprouts.care'],
] as const;

export const freemailDomains = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com'] as const;

export const mailers = [
  'Microsoft Outlook 16.0',
  'Apple Mail (2.3731.700.6)',
  'Mozilla Thunderbird 128.3.1',
  null,
  null,
] as const;

// Subjects carry the words the example config's rules route on; "unmatched" ones carry none.
export const subjects: Record<RequestKind, readonly string[]> = {
  refund: [
    'Refund for last month',
    'Requesting a refund',
    'Please add an account credit',
    'Refund request - double charge',
    'Account credit for the downtime?',
    'Need a refund on the setup fee',
  ],
  tech: [
    'Website is down',
    'Our website shows an error',
    'Contact form on website not working',
    'Website loads very slowly',
    'SSL certificate warning on our site',
    'Cannot log in to the website editor',
  ],
  facebook: [
    'Facebook page admin access',
    'Add me as admin on our Facebook page',
    'Facebook page posts stopped',
    'Lost access to Facebook page',
    'Facebook admin request for new manager',
  ],
  seo: [
    'SEO report question',
    'Our SEO ranking dropped',
    'Questions about SEO keywords',
    'Monthly SEO update?',
    'Google search results (SEO)',
  ],
  billing: [
    'Billing question',
    'Invoice #{n} looks wrong',
    'Update billing card on file',
    'Billing address change',
    'Question about my invoice',
    'Autopay billing failed',
  ],
  unmatched: [
    'Quick question',
    'Please call me back',
    'New opening hours',
    'Photos for the gallery page',
    'Change our phone number please',
    'Holiday hours for December',
    'Following up on our meeting',
    'Can we add a new team member bio?',
  ],
};

// Opening lines per type; bodies are assembled from these plus common filler.
export const openers: Record<RequestKind, readonly string[]> = {
  refund: [
    'I was charged twice this month and would like the second charge refunded.',
    'We cancelled the add-on in September but were still billed for it, so I am asking for a refund.',
    'Our site was offline for three days last week. Can we get a credit for that period?',
    'The setup fee was supposed to be waived according to our sales rep. Please refund it.',
  ],
  tech: [
    'Since this morning our site shows a blank white page on every link.',
    'Customers tell us the contact form gives an error after pressing send.',
    'The site takes almost twenty seconds to load on a phone.',
    'Chrome says the connection to our site is not private.',
    'I cannot log in to the editor; it keeps saying my password is wrong even after a reset.',
  ],
  facebook: [
    'Our office manager left and we need the page access moved to our new manager.',
    'None of the scheduled posts have gone out since Tuesday.',
    'Please add our new marketing assistant as an admin on the page.',
    'I was removed from our own page somehow and cannot post anymore.',
  ],
  seo: [
    'We used to be on the first page for our main keywords and now we are on page three.',
    'I received the monthly report but I do not understand the keyword table.',
    'Can we add a few new service areas to the keywords you target?',
    'A competitor shows up above us for our own business name.',
  ],
  billing: [
    'The invoice lists two locations but we only have one.',
    'Please update the card on file; the old one expires at the end of the month.',
    'We moved offices, so the address on our invoices needs to change.',
    'Autopay failed and I got a warning email. What do I need to do?',
    'Can you send me copies of our invoices for this year for our accountant?',
  ],
  unmatched: [
    'Could someone give me a call when you have a minute?',
    'We have new opening hours starting next Monday.',
    'I attached some new photos we would like on the gallery page.',
    'Our main phone number changed; please update it wherever it appears.',
    'We will be closed from December 24 to January 2.',
    'Thanks for the meeting yesterday, here are the notes I promised.',
  ],
};

export const filler = [
  'Please let me know if you need anything else from me.',
  'This is pretty urgent for us because we have a promotion starting this weekend.',
  'I tried calling but the line was busy.',
  'Our account number should be on file, but I can send it again if needed.',
  'Thank you for your help with this.',
  'We have been with you for almost five years and have always been happy with the service.',
  'My colleague mentioned this last week as well, so it may already be known.',
  'I am in the office until 5pm today and most of tomorrow.',
  'Let me know how long this will take so I can tell my team.',
  'If it helps, the problem started right after the changes last Friday.',
  'Here are the details: the main location is on 5th Avenue and the second one closed in June.',
  'Ich hoffe, das ist verständlich – danke im Voraus!',
  'Merci beaucoup, et bonne journée à toute l\'équipe.',
  'Best regards from the whole team 🙂',
] as const;

export const followUps = [
  'Any update on this? I have not heard back yet.',
  'Just following up on my message below.',
  'Sorry to chase, but this is still a problem for us.',
  'One more detail I forgot to mention: it happens on every page, not just the home page.',
  'Thanks for the quick answer. Is there anything I need to do on my side?',
] as const;
