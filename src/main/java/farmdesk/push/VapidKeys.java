package farmdesk.push;

import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

import farmdesk.storage.Sql;

/**
 * The application server's VAPID key pair (RFC 8292): from the settings, or generated once and kept in
 * the database, so that every instance sharing it signs with the same key. A browser's subscription is
 * bound to the public key it was made with: a new key would leave every stored subscription unusable.
 *
 * @param publicKey the uncompressed point, as {@code GET /api/push/key} gives it (base64url)
 */
record VapidKeys(ECPublicKey key, ECPrivateKey privateKey, String publicKey) {

    static VapidKeys from(String publicKeyBase64url, String privateKeyBase64url) {
        ECPublicKey pub;
        ECPrivateKey priv;
        try {
            pub = P256.publicKey(P256.fromBase64url(publicKeyBase64url));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("FARMDESK_VAPID_PUBLIC_KEY: " + e.getMessage()
                    + " (base64url of the 65-byte uncompressed point)");
        }
        try {
            priv = P256.privateKey(P256.fromBase64url(privateKeyBase64url));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("FARMDESK_VAPID_PRIVATE_KEY: " + e.getMessage()
                    + " (base64url of the 32-byte private key)");
        }
        if (!Vapid.pairs(pub, priv)) {
            throw new IllegalArgumentException("FARMDESK_VAPID_PUBLIC_KEY and FARMDESK_VAPID_PRIVATE_KEY are not one key pair");
        }
        return new VapidKeys(pub, priv, P256.base64url(P256.encode(pub)));
    }

    /** The keys of the settings when set, else those in the database (made by whichever instance came first). */
    static VapidKeys load(PushSettings settings, DbClient db) {
        if (settings.vapidPublicKey() != null) {
            return from(settings.vapidPublicKey(), settings.vapidPrivateKey());
        }
        Optional<VapidKeys> stored = read(db);
        if (stored.isPresent()) {
            return stored.get();
        }
        KeyPair made = P256.generate();
        try {
            db.execute().dml("INSERT INTO push_vapid_keys (id, public_key, private_key, created_at) VALUES (1, ?, ?, ?)",
                    P256.base64url(P256.encode((ECPublicKey) made.getPublic())),
                    P256.base64url(P256.encode((ECPrivateKey) made.getPrivate())),
                    Sql.timestamp(Instant.now()));
        } catch (RuntimeException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            // another instance stored its pair first: that one is the pair, read below
        }
        return read(db).orElseThrow(() -> new IllegalStateException("the VAPID keys were not stored"));
    }

    private static Optional<VapidKeys> read(DbClient db) {
        return db.execute().get("SELECT public_key, private_key FROM push_vapid_keys WHERE id = 1")
                .map((DbRow r) -> from(r.column("public_key").getString(), r.column("private_key").getString()));
    }
}
