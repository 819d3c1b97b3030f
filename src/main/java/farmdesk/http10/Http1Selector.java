package farmdesk.http10;

import java.util.Set;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * The listener's HTTP/1 connections, HTTP/1.0 included, which Helidon 4.5 alone refuses with 505 for every
 * request: its HTTP/1 parser accepts only "HTTP/1.1" (Http1Prologue; helidon-io/helidon#9604 and #9715, on
 * purpose). nginx's default {@code proxy_pass}, ApacheBench, {@code curl -0} and some corporate proxies send
 * HTTP/1.0.
 *
 * <p>A connection selector of Helidon's SPI that takes the place of Helidon's own HTTP/1.1 selector (the listener
 * is built with {@code protocolsDiscoverServices(false)}, so Helidon's is not created): being the only selector,
 * it gets each connection at once, before a byte is read, as Helidon's did. Each connection is Helidon's own
 * HTTP/1.1 connection (same routing, filters, limits, error handling; built by {@link Http1ConnectionSelector},
 * nothing copied), chosen once the first request line is read ({@link VersionedHttp1Connection}): HTTP/1.1 on the
 * socket as it is, HTTP/1.0 through an adapted view of it ({@link Http10Context}).
 *
 * <p>Why not a selector for HTTP/1.0 only, next to Helidon's: with two selectors Helidon reads the first bytes
 * before any connection exists, and a connection that has sent nothing yet is then out of reach of the idle
 * timeout and of a stop, which waits its grace period for it (measured: docs/benchmarks.md, "Figures behind
 * code comments").
 */
public final class Http1Selector implements ServerConnectionSelector {

    private final Http1Config config;
    private final Http1ConnectionSelector http1;

    private Http1Selector(Http1Config config) {
        this.config = config;
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
    }

    /** With Helidon's default HTTP/1 settings (those its own selector would have had). */
    public static Http1Selector create() {
        return new Http1Selector(Http1Config.create());
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0; // as many as the first line takes
    }

    /** Asked only when the listener has other selectors too (it has none in Farmdesk); as Helidon's answers. */
    @Override
    public Support supports(BufferData data) {
        int lf = data.indexOf(Bytes.LF_BYTE);
        if (lf == -1) {
            return data.available() <= config.maxPrologueLength() ? Support.SUPPORTED : Support.UNSUPPORTED;
        }
        String line = data.readString(lf);
        return line.endsWith(" HTTP/1.1\r") || line.endsWith(" HTTP/1.0\r") ? Support.SUPPORTED : Support.UNSUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of("http/1.1"); // ALPN has no name for HTTP/1.0: it negotiates http/1.1
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new VersionedHttp1Connection(ctx, config, http1);
    }
}
