// हिन्दी (Hindi): the words of the sign-in page only (i18n.js part('signin')), apart from hi.strings.js so that the
// farmer page's first load (40 KB) does not carry them. AWAITING REVIEW by a native speaker (see hi.strings.js).
export default {
  signInTitle: 'Farmdesk: साइन इन',
  signInDev: 'साइन इन (डेवलपमेंट)',
  iAm: 'मैं हूँ',
  staff: 'सहायता स्टाफ़',
  userId: 'यूज़र आईडी',
  name: 'नाम',
  signIn: 'साइन इन करें',
  devOff: 'इस सर्वर पर डेवलपमेंट साइन-इन बंद है। Farmdesk को मार्केटप्लेस से खोलें।',
  signInFailed: 'साइन इन नहीं हो सका ({status})',
  serverDown: 'सर्वर से संपर्क नहीं हो पा रहा।',
  expired: 'आपका सत्र समाप्त हो गया है। कृपया फिर से साइन इन करें।',
};
