package farmdesk.auth;

import java.time.Instant;

/**
 * A token that passed its checks, and what it may do.
 *
 * @param viewer        who calls; {@link Viewer#expiresAt} is when a stream it opens ends with
 *                      token-expired (for a stream token: its session's expiry)
 * @param streamOnly    a stream token: it opens streams and polls, and nothing else
 * @param exp           the token's own {@code exp}: no stream or poll opens with it from then on
 * @param acceptedUntil until when it is accepted at all ({@code exp}, plus the 60 s leeway for a session token)
 */
public record VerifiedToken(Viewer viewer, boolean streamOnly, Instant exp, Instant acceptedUntil) {
}
