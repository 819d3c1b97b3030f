package farmdesk.http10;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * Serves HTTP/1.0 clients, which Helidon 4.5 refuses with 505 for every request: its HTTP/1 parser accepts
 * only "HTTP/1.1" (Http1Prologue; helidon-io/helidon#9604 and #9715, on purpose). nginx's default
 * {@code proxy_pass}, ApacheBench, {@code curl -0} and some corporate proxies send HTTP/1.0.
 *
 * <p>A connection selector of Helidon's SPI, put on the listener before Helidon's own HTTP/1.1 one (custom
 * selectors are asked first). A connection whose first request line ends in {@code HTTP/1.0} gets Helidon's own
 * HTTP/1.1 connection (same routing, filters, limits, error handling) over an adapted view of the socket:
 * the request head is read as HTTP/1.1 with {@code Connection: close} ({@link RequestAsHttp11}), and the
 * response leaves as an HTTP/1.0 client may receive it: never chunked, its end given by Content-Length or by
 * the close ({@link ResponseAsHttp10}). One request per connection: keep-alive is not offered to HTTP/1.0.
 * Every other connection gets Helidon's HTTP/1.1 connection on the socket as it is.
 */
public final class Http10Selector implements ServerConnectionSelector {

    private static final String HTTP_1_0 = " HTTP/1.0";

    private final Http1Config config;
    private final Http1ConnectionSelector http1;

    private Http10Selector(Http1Config config) {
        this.config = config;
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
    }

    /** With Helidon's default HTTP/1 settings (the ones the listener's own HTTP/1.1 selector has). */
    public static Http10Selector create() {
        return new Http10Selector(Http1Config.create());
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0; // as many as the first line takes
    }

    @Override
    public Support supports(BufferData data) {
        int lf = data.indexOf(Bytes.LF_BYTE);
        if (lf == -1) {
            // the first line came in pieces: claim it as Helidon's HTTP/1.1 selector would (it asks after us and
            // says yes to this too), and decide in connection() once the line is whole
            return data.available() <= config.maxPrologueLength() ? Support.SUPPORTED : Support.UNSUPPORTED;
        }
        return data.readString(lf).endsWith(HTTP_1_0 + "\r") ? Support.SUPPORTED : Support.UNSUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of(); // not an ALPN protocol: HTTP/1.0 over TLS negotiates http/1.1
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        if (firstLineIsHttp10(ctx.dataReader())) {
            return http1.connection(new Http10Context(ctx, config));
        }
        return http1.connection(ctx);
    }

    /** Reads (without consuming) until the first line is whole; anything malformed is Helidon's to answer. */
    private boolean firstLineIsHttp10(DataReader reader) {
        try {
            int max = config.maxPrologueLength();
            int eol = reader.findNewLine(max);
            if (eol == max) {
                return false; // Helidon answers 414
            }
            return new String(reader.getBuffer(eol).readBytes(), StandardCharsets.US_ASCII).endsWith(HTTP_1_0);
        } catch (RuntimeException badOrGone) {
            // a lone CR or LF (400), or the client went (a close): Helidon's connection says so as for any request
            return false;
        }
    }
}
