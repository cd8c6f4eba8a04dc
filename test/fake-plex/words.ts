/** Word lists for generated titles and people. Includes non-ASCII entries on purpose. */
export const ADJECTIVES = [
  'Silent', 'Crimson', 'Last', 'Hidden', 'Broken', 'Golden', 'Midnight', 'Frozen', 'Electric', 'Lonely',
  'Savage', 'Distant', 'Burning', 'Velvet', 'Iron', 'Paper', 'Wild', 'Quiet', 'Lost', 'Bright',
];
export const NOUNS = [
  'River', 'Empire', 'Garden', 'Signal', 'Harbor', 'Machine', 'Kingdom', 'Letter', 'Station', 'Horizon',
  'Orchard', 'Mirror', 'Frontier', 'Lighthouse', 'Carnival', 'Archive', 'Comet', 'Valley', 'Circuit', 'Island',
];
export const UNICODE_TITLES = [
  'Amélie à Montmartre', '東京物語', 'Ünïcödé Nïghts', 'Crème brûlée 🍮', 'Δ Delta Ω', 'Москва слезам не верит',
  'حب في القاهرة', 'Zoë & Chloë', 'Ñandú', '올드보이', 'e\u0301te\u0301 (combining)', 'Ｆｕｌｌｗｉｄｔｈ',
];
export const FIRST_NAMES = [
  'Ana', 'Ben', 'Chloé', 'Dmitri', 'Eun-ji', 'Farah', 'Gustav', 'Hiro', 'Ines', 'Jamal', 'Kai', 'Lena',
  'Mateo', 'Nora', 'Olu', 'Priya', 'Quentin', 'Rosa', 'Søren', 'Tomás',
];
export const LAST_NAMES = [
  'Abbott', 'Brennan', 'Castillo', 'Dubois', 'Eriksen', 'Fujita', 'García', 'Haddad', 'Ivanova', 'Jensen',
  'Kowalski', 'Lindqvist', 'Moreau', 'Nakamura', 'O’Connor', 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka',
];
export const GENRES = ['Drama', 'Comedy', 'Action', 'Thriller', 'Science Fiction', 'Animation', 'Documentary', 'Horror', 'Romance', 'Crime'];
export const COUNTRIES = ['United States of America', 'France', 'Japan', 'South Korea', 'Germany', 'United Kingdom', 'Brazil'];
export const STUDIOS = ['Northlight Pictures', 'Blue Harbor', 'Studio Kōyō', 'Parallax Films', 'Red Barn'];
export const CONTENT_RATINGS = ['PG', 'PG-13', 'R', 'TV-14', 'TV-MA', 'nl/14', 'G'];
export const SUMMARY_SENTENCES = [
  'A stranger arrives in a town that keeps a secret.',
  'Two old friends plan one last job.',
  'Nothing is what it seems after the storm.',
  'A family gathers for a wedding that goes wrong.',
  'An engineer discovers a signal from the deep.',
  'Love, loss and a very stubborn cat.',
];
export const LANGUAGES = [
  { language: 'English', code: 'eng', tag: 'en' },
  { language: 'Français', code: 'fre', tag: 'fr' },
  { language: '日本語', code: 'jpn', tag: 'ja' },
  { language: 'Deutsch', code: 'ger', tag: 'de' },
  { language: 'Español', code: 'spa', tag: 'es' },
];
