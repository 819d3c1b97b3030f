package farmdesk.uploads;

/**
 * An upload whose bytes start as an image but that cannot be cleaned: too many pixels, or not decodable.
 * The message says why, for the client (it ends up in the 415 problem+json).
 */
public final class UnusableImage extends Exception {

    UnusableImage(String reason) {
        super(reason, null, false, false);
    }
}
