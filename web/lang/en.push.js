// The words of notifications on/off (push.js, loaded on demand); the button's first label (push_off) is in
// en.strings.js. Keys as in the other languages' .push.js.
export default {
  push_on: 'Notifications: on',
  push_blocked: 'Notifications: blocked by the browser',
  push_unsupported: 'Notifications: not supported by this browser',
  push_working: 'Notifications: turning on…',
  pushFailed: 'Notifications could not be turned on: {why}',
  pushNoService: 'the browser’s push service did not answer (no internet connection, or a network that blocks it)',
  pushBlockedHow: 'This browser blocks notifications from this site: allow them in its site settings, then press again.',
};
