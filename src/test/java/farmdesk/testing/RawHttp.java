package farmdesk.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP over a plain socket, byte for byte, for what the JDK's client cannot send (HTTP/1.0, as {@code curl -0},
 * ApacheBench or nginx's default proxy_pass send it) or hides (the framing of the answer: chunks, the close).
 * Reads block for at most 60 s (a guard against a hung test, not a timing assertion).
 */
public final class RawHttp implements AutoCloseable {

    /** A response head: status line and header fields as sent. */
    public record Head(String statusLine, List<String[]> fields) {

        public int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        /** The value of the only field of that name (case-insensitive), or null; fails if it is repeated. */
        public String header(String name) {
            String found = null;
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    if (found != null) {
                        throw new AssertionError(name + " repeated in " + this);
                    }
                    found = f[1];
                }
            }
            return found;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(statusLine);
            fields.forEach(f -> b.append(" | ").append(f[0]).append(": ").append(f[1]));
            return b.toString();
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) {
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true); // each send() leaves as its own segment
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(60_000);
            return new RawHttp(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes text as it is (CR LF are the caller's). */
    public RawHttp send(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the response head (through the empty line). */
    public Head head() {
        String status = line();
        if (status == null) {
            throw new AssertionError("the connection closed before a response");
        }
        List<String[]> fields = new ArrayList<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            fields.add(new String[] {l.substring(0, colon).strip(), l.substring(colon + 1).strip()});
        }
        return new Head(status, fields);
    }

    /** One line of the body (LF-terminated, a CR before it removed), or null at the end of the connection. */
    public String line() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b == -1) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Everything until the server closes the connection. */
    public byte[] rest() {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exactly n bytes of the body. */
    public byte[] bytes(int n) {
        try {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new AssertionError("the connection closed after " + b.length + " of " + n + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a raw socket byte by byte until what arrived ends with {@code end} (e.g. a stream's opening block). */
    public static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.UTF_8).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("ended early: " + got);
            }
            got.write(b);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    /** A request head: the request line, then "Name: value" fields, then the empty line. */
    public static String request(String requestLine, String... fields) {
        StringBuilder b = new StringBuilder(requestLine).append("\r\n");
        for (String f : fields) {
            b.append(f).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    /** Whether a header value lists a token (comma-separated, case-insensitive). */
    public static boolean hasToken(String value, String token) {
        if (value == null) {
            return false;
        }
        for (String t : value.split(",")) {
            if (t.strip().toLowerCase(Locale.ROOT).equals(token)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
