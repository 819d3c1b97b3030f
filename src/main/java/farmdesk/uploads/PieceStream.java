package farmdesk.uploads;

import java.io.InputStream;
import java.util.function.IntFunction;

/** An InputStream over numbered pieces (0, 1, ...) fetched one at a time: never the whole file in memory. */
final class PieceStream extends InputStream {

    private final IntFunction<byte[]> pieces;
    private int next;
    private byte[] current = new byte[0];
    private int pos;
    private boolean ended;
    private int skipInFirst;

    /** @param pieces the piece of a number, or null after the last */
    PieceStream(IntFunction<byte[]> pieces) {
        this(pieces, 0, 0);
    }

    /**
     * From byte {@code skip} of piece {@code first} on: the pieces before are never fetched (a range
     * request for the end of a file reads only the end).
     */
    PieceStream(IntFunction<byte[]> pieces, int first, int skip) {
        this.pieces = pieces;
        this.next = first;
        this.skipInFirst = skip;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (pos == current.length) {
            if (ended) {
                return -1;
            }
            byte[] piece = pieces.apply(next++);
            if (piece == null) {
                ended = true;
                return -1;
            }
            current = piece;
            pos = Math.min(skipInFirst, piece.length);
            skipInFirst = 0;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }
}
