// Kiswahili, notifications on/off (push.js). AWAITING REVIEW by a native speaker (see sw.strings.js).
export default {
  push_on: 'Arifa: zimewashwa',
  push_blocked: 'Arifa: zimezuiwa na kivinjari',
  push_unsupported: 'Arifa: kivinjari hiki hakiziwezi',
  push_working: 'Arifa: zinawashwa…',
  pushFailed: 'Arifa hazikuweza kuwashwa: {why}',
  pushNoService: 'huduma ya arifa ya kivinjari haikujibu (hakuna intaneti, au mtandao unaizuia)',
  pushBlockedHow: 'Kivinjari hiki kinazuia arifa za tovuti hii: ziruhusu katika mipangilio ya tovuti, kisha bonyeza tena.',
};
