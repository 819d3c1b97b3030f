package farmdesk.uploads;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The small JPEG shown in the conversation: longest side at most {@link #MAX_SIDE} px, never enlarged,
 * made from the image as shown (orientation applied), transparency flattened on white.
 */
final class Thumbnail {

    static final int MAX_SIDE = 320;
    /** Small pictures: the artefacts of a lower quality would show. */
    private static final float QUALITY = 0.85f;

    private Thumbnail() {
    }

    static byte[] of(BufferedImage shown) {
        int w = shown.getWidth();
        int h = shown.getHeight();
        double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * scale));
        int th = Math.max(1, (int) Math.round(h * scale));
        // bilinear steps of one half at a time, then the last step: one bilinear step from 4000 px to 320
        // samples 4 of every ~150 pixels per row (aliasing, shimmering edges); halving each time averages all
        BufferedImage current = shown;
        int cw = w;
        int ch = h;
        while (cw / 2 >= tw && ch / 2 >= th) {
            cw /= 2;
            ch /= 2;
            current = drawn(current, cw, ch);
        }
        if (cw != tw || ch != th || current == shown) {
            current = drawn(current, tw, th);
        }
        return ImageEncoding.jpeg(current, QUALITY);
    }

    /** {@code source} scaled to {@code w} x {@code h}, bilinear, on white. */
    private static BufferedImage drawn(BufferedImage source, int w, int h) {
        BufferedImage target = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = target.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
