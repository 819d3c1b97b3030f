// English: the words of the sign-in page only (i18n.js part('signin')), apart from en.strings.js so that the
// farmer page's first load (40 KB) does not carry them.
export default {
  signInTitle: 'Farmdesk: sign in',
  signInDev: 'Sign in (development)',
  iAm: 'I am',
  staff: 'Support staff',
  userId: 'User id',
  name: 'Name',
  signIn: 'Sign in',
  devOff: 'Development sign-in is off on this server. Open Farmdesk from the marketplace.',
  signInFailed: 'Sign-in failed ({status})',
  serverDown: 'The server cannot be reached.',
  expired: 'Your session has expired. Please sign in again.',
};
