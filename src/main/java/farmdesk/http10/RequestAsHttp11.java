package farmdesk.http10;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import io.helidon.common.buffers.DataReader;

/**
 * The bytes of an HTTP/1.0 request as Helidon's HTTP/1.1 parser is given them, and where they end.
 *
 * <p>The head: the request line says HTTP/1.1; {@code Connection} becomes {@code close}; a {@code Host} is added
 * when there is none (HTTP/1.0 has no Host, HTTP/1.1 requires one); {@code Transfer-Encoding} is dropped
 * (HTTP/1.0 has no transfer codings: a body is framed by Content-Length alone, RFC 1945 7.2.2, and RFC 9112 6.1
 * calls anything else faulty framing).
 *
 * <p>The end: after the head, only the body its Content-Length declares (none without one); then the input
 * ends. Helidon 4.5 does not close a connection after answering a request that said {@code Connection: close}:
 * it waits for the client to close or to send another request. An HTTP/1.0 client waits for the close that ends
 * an answer of unknown length (a stream). The end of input after the one request is what makes Helidon close the
 * connection once its answer is written, as RFC 9112 9.6 asks of the server.
 *
 * <p>A head too long or malformed is passed as it is, with whatever follows, for Helidon to refuse (414, 431, 400)
 * as it would any request; its refusals close the connection.
 */
final class RequestAsHttp11 implements Supplier<byte[]> {

    private static final byte[] HTTP_1_0 = "HTTP/1.0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_1_1 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);

    private final DataReader socket;
    private final int maxHeadLength;
    private final byte[] hostField;
    private boolean headDone;
    private long left; // bytes still to pass after the head

    /**
     * @param socket        the connection's reader, positioned at the request line
     * @param maxHeadLength the longest head rewritten
     * @param host          the Host given to a request without one
     */
    RequestAsHttp11(DataReader socket, int maxHeadLength, String host) {
        this.socket = socket;
        this.maxHeadLength = maxHeadLength;
        this.hostField = ("Host: " + host + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The next bytes of the request, or null (the end of input) once the request is over; blocks until the socket
     * has some. If the client goes first it throws what the socket's reader throws, so the reader built on this
     * sees the same end.
     */
    @Override
    public byte[] get() {
        if (!headDone) {
            headDone = true;
            return head();
        }
        if (left == 0) {
            return null;
        }
        socket.ensureAvailable();
        int n = (int) Math.min(left, socket.available());
        left -= n;
        return socket.readBytes(n);
    }

    private byte[] head() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        int budget = maxHeadLength;
        boolean hasHost = false;
        boolean requestLine = true;
        long contentLength = 0;
        int lengths = 0;
        left = Long.MAX_VALUE; // until the head is whole: what is not understood passes, for Helidon to refuse
        while (true) {
            int eol;
            try {
                eol = socket.findNewLine(budget);
            } catch (DataReader.IncorrectNewLineException malformed) {
                return out.toByteArray(); // the rest as it is: Helidon answers 400
            }
            if (eol >= budget) {
                return out.toByteArray(); // too long: Helidon answers 414 or 431
            }
            byte[] line = socket.readBytes(eol);
            socket.skip(2);
            budget -= eol + 2;
            if (requestLine) {
                requestLine = false;
                if (endsWith(line, HTTP_1_0)) {
                    out.write(line, 0, line.length - HTTP_1_0.length);
                    out.writeBytes(HTTP_1_1);
                } else {
                    out.writeBytes(line);
                }
            } else if (eol == 0) {
                if (!hasHost) {
                    out.writeBytes(hostField);
                }
                out.writeBytes(CONNECTION_CLOSE);
                out.writeBytes(CRLF);
                // a bad or repeated Content-Length is Helidon's to refuse (400) before it reads any body
                left = lengths == 1 ? contentLength : 0;
                return out.toByteArray();
            } else if (isField(line, "connection") || isField(line, "transfer-encoding")) {
                continue; // Connection is replaced by "close"; Transfer-Encoding has no meaning in HTTP/1.0
            } else {
                if (isField(line, "content-length")) {
                    lengths++;
                    contentLength = lengthOf(line);
                }
                hasHost |= isField(line, "host");
                out.writeBytes(line);
            }
            out.writeBytes(CRLF);
        }
    }

    /** The value of a Content-Length line, 0 when it is not a plain decimal number (Helidon refuses it). */
    private static long lengthOf(byte[] line) {
        String value = new String(line, 15, line.length - 15, StandardCharsets.US_ASCII).strip();
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        return Long.parseLong(value);
    }

    private static boolean endsWith(byte[] line, byte[] suffix) {
        if (line.length < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (line[line.length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether a header line is the field {@code name} (lower case), by its name before the colon. */
    private static boolean isField(byte[] line, String name) {
        if (line.length <= name.length() || line[name.length()] != ':') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.toLowerCase(line[i]) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
