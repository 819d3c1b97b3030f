// Kiswahili: the words of the sign-in page only (i18n.js part('signin')), apart from sw.strings.js so that the
// farmer page's first load (40 KB) does not carry them. AWAITING REVIEW by a native speaker (see sw.strings.js).
export default {
  signInTitle: 'Farmdesk: ingia',
  signInDev: 'Ingia (maendeleo)',
  iAm: 'Mimi ni',
  staff: 'Mfanyakazi wa msaada',
  userId: 'Kitambulisho cha mtumiaji',
  name: 'Jina',
  signIn: 'Ingia',
  devOff: 'Kuingia kwa maendeleo kumezimwa kwenye seva hii. Fungua Farmdesk kutoka sokoni.',
  signInFailed: 'Kuingia kumeshindikana ({status})',
  serverDown: 'Seva haipatikani.',
  expired: 'Kipindi chako kimekwisha. Tafadhali ingia tena.',
};
