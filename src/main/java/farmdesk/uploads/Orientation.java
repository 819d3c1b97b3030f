package farmdesk.uploads;

import java.awt.geom.AffineTransform;

/**
 * The EXIF orientation of an image (tag 274, values 1-8): how the stored pixel grid is turned or mirrored
 * to be shown. Phones store the sensor's grid and set this tag instead of turning the pixels; once the
 * metadata is stripped the tag is gone, so the turn is applied to the pixels themselves.
 */
enum Orientation {
    NORMAL, FLIP_HORIZONTAL, ROTATE_180, FLIP_VERTICAL, TRANSPOSE, ROTATE_90_CW, TRANSVERSE, ROTATE_90_CCW;

    /** The orientation of an EXIF value; anything outside 1-8 is shown as stored, as browsers do. */
    static Orientation of(int exifValue) {
        return exifValue >= 1 && exifValue <= 8 ? values()[exifValue - 1] : NORMAL;
    }

    /** True when width and height trade places (the five orientations that turn by a quarter). */
    boolean swapsSides() {
        return ordinal() >= TRANSPOSE.ordinal();
    }

    /** From the stored grid ({@code w} x {@code h}) to the grid as shown. */
    AffineTransform transform(int w, int h) {
        // AffineTransform(m00, m10, m01, m11, m02, m12): x' = m00 x + m01 y + m02, y' = m10 x + m11 y + m12
        return switch (this) {
            case NORMAL -> new AffineTransform();
            case FLIP_HORIZONTAL -> new AffineTransform(-1, 0, 0, 1, w, 0);
            case ROTATE_180 -> new AffineTransform(-1, 0, 0, -1, w, h);
            case FLIP_VERTICAL -> new AffineTransform(1, 0, 0, -1, 0, h);
            // row 0 becomes the left side, column 0 the top
            case TRANSPOSE -> new AffineTransform(0, 1, 1, 0, 0, 0);
            // row 0 becomes the right side, column 0 the top (a phone held upright: the usual case)
            case ROTATE_90_CW -> new AffineTransform(0, 1, -1, 0, h, 0);
            // row 0 becomes the right side, column 0 the bottom
            case TRANSVERSE -> new AffineTransform(0, -1, -1, 0, h, w);
            // row 0 becomes the left side, column 0 the bottom
            case ROTATE_90_CCW -> new AffineTransform(0, -1, 1, 0, 0, w);
        };
    }
}
