package farmdesk.http10;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * What Helidon's HTTP/1.1 connection writes, as an HTTP/1.0 client may receive it. RFC 9112 (6.1) forbids
 * Transfer-Encoding towards HTTP/1.0, and Helidon chunks every response of unknown length (an SSE stream,
 * a streamed body): here the chunk framing is taken off and {@code Transfer-Encoding: chunked} dropped, so such
 * a body ends with the close (the request said {@code Connection: close}, see {@link RequestAsHttp11}, and so
 * does the answer). A body with a Content-Length passes as it is. Interim 1xx answers are not sent
 * (RFC 9110 15.2: never to an HTTP/1.0 client). The status line keeps "HTTP/1.1", the version the server
 * speaks, as RFC 9110 (6.2) asks.
 *
 * <p>A chunk leaves as soon as Helidon writes it (no buffering here), so every stream frame still arrives at
 * once. One connection's writes come from its own thread, one response at a time.
 */
final class ResponseAsHttp10 implements DataWriter {

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER }

    private static final int END_OF_HEAD = '\r' << 24 | '\n' << 16 | '\r' << 8 | '\n';

    private final DataWriter socket;
    private ByteArrayOutputStream pending = new ByteArrayOutputStream(256); // a head or a line in progress
    private State state = State.HEAD;
    private int lastFour; // the last four bytes of a head in progress: CR LF CR LF ends it
    private long chunkLeft;

    ResponseAsHttp10(DataWriter socket) {
        this.socket = socket;
    }

    @Override
    public void write(BufferData... buffers) {
        BufferData out = convert(buffers);
        if (out.available() > 0) {
            socket.write(out);
        }
    }

    @Override
    public void write(BufferData buffer) {
        write(new BufferData[] {buffer});
    }

    @Override
    public void writeNow(BufferData... buffers) {
        BufferData out = convert(buffers);
        if (out.available() > 0) {
            socket.writeNow(out);
        }
    }

    @Override
    public void writeNow(BufferData buffer) {
        writeNow(new BufferData[] {buffer});
    }

    @Override
    public void flush() {
        socket.flush();
    }

    @Override
    public void close() {
        socket.close();
    }

    private synchronized BufferData convert(BufferData[] buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (BufferData buffer : buffers) {
            byte[] bytes = buffer.readBytes();
            int i = 0;
            while (i < bytes.length) {
                i = step(bytes, i, out);
            }
        }
        return BufferData.create(out.toByteArray());
    }

    /** Consumes bytes from {@code i} in the current state; returns where it stopped. */
    private int step(byte[] b, int i, ByteArrayOutputStream out) {
        switch (state) {
            case HEAD -> {
                while (i < b.length) {
                    byte c = b[i++];
                    pending.write(c);
                    lastFour = lastFour << 8 | (c & 0xff);
                    if (lastFour == END_OF_HEAD) {
                        lastFour = 0;
                        head(out);
                        break;
                    }
                }
            }
            case BODY -> {
                out.write(b, i, b.length - i);
                i = b.length;
            }
            case CHUNK_SIZE, TRAILER -> {
                while (i < b.length) {
                    byte c = b[i++];
                    if (c == '\n') {
                        line();
                        break;
                    }
                    pending.write(c);
                }
            }
            case CHUNK_DATA -> {
                int n = (int) Math.min(chunkLeft, b.length - i);
                out.write(b, i, n);
                i += n;
                chunkLeft -= n;
                if (chunkLeft == 0) {
                    state = State.CHUNK_END;
                    chunkLeft = 2; // the CR LF after the data
                }
            }
            case CHUNK_END -> {
                i++;
                if (--chunkLeft == 0) {
                    state = State.CHUNK_SIZE;
                }
            }
        }
        return i;
    }

    /** A whole response head: drop a 1xx; else write it without chunking and with Connection: close. */
    private void head(ByteArrayOutputStream out) {
        String head = pending.toString(StandardCharsets.ISO_8859_1);
        pending = new ByteArrayOutputStream(16); // then only chunk-size lines: a stream holds no head-sized buffer
        String[] lines = head.substring(0, head.length() - 4).split("\r\n");
        if (lines[0].length() > 9 && lines[0].charAt(9) == '1') { // "HTTP/1.1 1xx"
            return; // still HEAD: the final answer follows
        }
        boolean chunked = false;
        StringBuilder rewritten = new StringBuilder(head.length()).append(lines[0]).append("\r\n");
        for (int k = 1; k < lines.length; k++) {
            String line = lines[k];
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (name.equals("transfer-encoding")) {
                String codings = withoutChunked(line.substring(colon + 1));
                chunked = true;
                if (!codings.isEmpty()) {
                    rewritten.append("Transfer-Encoding: ").append(codings).append("\r\n");
                }
            } else if (!name.equals("connection")) {
                rewritten.append(line).append("\r\n");
            }
        }
        rewritten.append("Connection: close\r\n\r\n");
        out.writeBytes(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
        state = chunked ? State.CHUNK_SIZE : State.BODY;
    }

    /** The codings of a Transfer-Encoding value other than chunked (Helidon only ever sends "chunked"). */
    private static String withoutChunked(String value) {
        StringBuilder kept = new StringBuilder();
        for (String coding : value.split(",")) {
            String c = coding.strip();
            if (!c.isEmpty() && !c.equalsIgnoreCase("chunked")) {
                kept.append(kept.isEmpty() ? "" : ", ").append(c);
            }
        }
        return kept.toString();
    }

    /** A whole chunk-size line (then its data follows) or trailer line (an empty one ends the response). */
    private void line() {
        String line = pending.toString(StandardCharsets.ISO_8859_1).strip();
        pending.reset();
        if (state == State.TRAILER) {
            if (line.isEmpty()) {
                state = State.HEAD; // nothing follows on this connection: the request said close
            }
            return; // trailer fields are not sent: HTTP/1.0 has none
        }
        int ext = line.indexOf(';');
        long size = Long.parseLong(ext < 0 ? line : line.substring(0, ext).strip(), 16);
        if (size == 0) {
            state = State.TRAILER;
        } else {
            state = State.CHUNK_DATA;
            chunkLeft = size;
        }
    }
}
