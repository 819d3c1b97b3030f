package farmdesk.http10;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The two halves of the HTTP/1.0 adapter on exact bytes, however the bytes are cut into writes and reads (every
 * cut point, and one byte at a time): what Helidon writes becomes an answer without chunks, and an HTTP/1.0
 * request head becomes an HTTP/1.1 one that ends after its declared body. Http10Test runs them on a real socket.
 */
class Http10FramingTest {

    private static final String CHUNKED_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    private static final String UNCHUNKED_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Connection: close\r\n\r\n";

    @Test
    void aChunkedAnswerLosesItsChunks() {
        assertResponse(CHUNKED_HEAD + "1c\r\nretry: 3000\n: opening words\n\r\n" + "2\r\n\n\n\r\n"
                        + "a\r\ndata: {}\n\n\r\n" + "0\r\n\r\n",
                UNCHUNKED_HEAD + "retry: 3000\n: opening words\n" + "\n\n" + "data: {}\n\n");
    }

    @Test
    void trailersAndOtherCodingsAreHandled() {
        assertResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nTrailer: x\r\n\r\n"
                        + "3\r\nabc\r\n" + "0\r\nx: 1\r\nstream-result: ok\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTrailer: x\r\nConnection: close\r\n\r\nabc");
    }

    @Test
    void aLengthDelimitedAnswerPassesAsItIsAndInterimAnswersAreNotSent() {
        String answer = "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello";
        assertResponse("HTTP/1.1 100 Continue\r\n\r\n" + answer,
                "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    }

    /** Same output for the bytes in one write, cut in two at every point, and one byte per write. */
    private static void assertResponse(String written, String expected) {
        byte[] bytes = written.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(expected, unchunk(List.of(bytes)), "one write");
        for (int cut = 1; cut < bytes.length; cut++) {
            byte[] a = Arrays.copyOfRange(bytes, 0, cut);
            byte[] b = Arrays.copyOfRange(bytes, cut, bytes.length);
            assertEquals(expected, unchunk(List.of(a, b)), "cut at " + cut);
        }
        List<byte[]> single = new ArrayList<>();
        for (byte x : bytes) {
            single.add(new byte[] {x});
        }
        assertEquals(expected, unchunk(single), "one byte per write");
    }

    private static String unchunk(List<byte[]> writes) {
        ByteArrayOutputStream socket = new ByteArrayOutputStream();
        DataWriter collect = new DataWriter() {
            @Override
            public void write(BufferData... buffers) {
                for (BufferData b : buffers) {
                    socket.writeBytes(b.readBytes());
                }
            }

            @Override
            public void write(BufferData buffer) {
                write(new BufferData[] {buffer});
            }

            @Override
            public void writeNow(BufferData... buffers) {
                write(buffers);
            }

            @Override
            public void writeNow(BufferData buffer) {
                write(buffer);
            }
        };
        ResponseAsHttp10 writer = new ResponseAsHttp10(collect);
        for (byte[] w : writes) {
            writer.write(BufferData.create(w));
        }
        return socket.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theRequestHeadIsReadAsHttp11WithConnectionCloseAndAHost() {
        String sent = "GET /farmer.html HTTP/1.0\r\nUser-Agent: ab\r\nConnection: keep-alive\r\n\r\n";
        assertRequest(sent, "GET /farmer.html HTTP/1.1\r\nUser-Agent: ab\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n");
        assertRequest("GET / HTTP/1.0\r\nhost: farm.example\r\n\r\n",
                "GET / HTTP/1.1\r\nhost: farm.example\r\nConnection: close\r\n\r\n");
    }

    @Test
    void theRequestEndsAfterTheBodyItsContentLengthDeclares() {
        // what follows the body (here a pipelined request) is never read: the answer is the last thing said
        assertRequest("POST /x HTTP/1.0\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.0\r\n\r\n",
                "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
        // HTTP/1.0 has no transfer codings: without a Content-Length there is no body
        assertRequest("POST /x HTTP/1.0\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "POST /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    }

    /** What the HTTP/1.1 parser reads until the end of input, for the bytes in one read, in two, and one by one. */
    private static void assertRequest(String sent, String expected) {
        byte[] bytes = sent.getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 0; cut <= bytes.length; cut++) {
            List<byte[]> reads = cut == 0 ? List.of(bytes)
                    : List.of(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length));
            assertEquals(expected, readAll(reads), "cut at " + cut);
        }
        List<byte[]> single = new ArrayList<>();
        for (byte x : bytes) {
            single.add(new byte[] {x});
        }
        assertEquals(expected, readAll(single), "one byte per read");
    }

    private static String readAll(List<byte[]> reads) {
        Deque<byte[]> socket = new ArrayDeque<>(reads);
        DataReader source = DataReader.create(socket::poll); // null when empty: the client would wait, or close
        RequestAsHttp11 request = new RequestAsHttp11(source, 4096, "127.0.0.1:8080");
        ByteArrayOutputStream parsed = new ByteArrayOutputStream();
        for (byte[] b = request.get(); b != null; b = request.get()) {
            parsed.writeBytes(b);
        }
        assertNull(request.get(), "the input stays ended");
        return parsed.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aClientThatGoesMidHeadEndsTheInputAsTheSocketDoes() {
        Deque<byte[]> socket = new ArrayDeque<>(List.of("GET / HTTP/1.0\r\nHost: h\r\n".getBytes(StandardCharsets.US_ASCII)));
        RequestAsHttp11 request = new RequestAsHttp11(DataReader.create(socket::poll), 4096, "h");
        assertThrows(DataReader.InsufficientDataAvailableException.class, request::get);
    }
}
