package farmdesk.push;

/** A browser's push subscription, as stored: where to send, for whom, and the keys to encrypt with. */
record Subscription(String endpoint, String userId, String role, byte[] p256dh, byte[] auth) {
}
