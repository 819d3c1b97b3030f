package farmdesk.http;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Closes the connection after an answer that says {@code Connection: close}, as RFC 9112 (9.6) requires of
 * the server that sends it. Helidon 4.5 writes the header but keeps reading the connection: after a body
 * whose chunked framing was broken, it then parsed the rest of that body as the next request (and
 * answered it too), which is how requests get smuggled. Throwing {@link CloseConnectionException} once the
 * answer is out is Helidon's own way to end a connection from routing: it closes it without logging.
 */
public final class ConnectionClose implements Filter {

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        chain.proceed();
        if (res.isSent() && res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            throw new CloseConnectionException("the answer said Connection: close");
        }
    }
}
