package farmdesk.http10;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;

/**
 * An HTTP/1 connection that reads its first request line (without consuming it), then is Helidon's HTTP/1.1
 * connection: on the socket as it is for HTTP/1.1 (and for anything malformed, which Helidon answers as
 * always), through {@link Http10Context} for HTTP/1.0.
 *
 * <p>Until that line is whole the connection waits for a request, as Helidon's waits for its prologue: the idle
 * timeout and a stop close it at once (it says it can be interrupted), and it counts as idle since it opened.
 */
final class VersionedHttp1Connection implements ServerConnection, InterruptableTask<Void> {

    private static final String HTTP_1_0 = " HTTP/1.0";

    private final ConnectionContext ctx;
    private final Http1Config config;
    private final Http1ConnectionSelector http1;
    private final long openedNanos = System.nanoTime();
    private volatile ServerConnection chosen;
    private volatile Thread thread;
    private volatile boolean closed;

    VersionedHttp1Connection(ConnectionContext ctx, Http1Config config, Http1ConnectionSelector http1) {
        this.ctx = ctx;
        this.config = config;
        this.http1 = http1;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        thread = Thread.currentThread();
        if (closed) {
            return; // closed before it started (a close from now on interrupts the read below)
        }
        boolean http10 = firstLineIsHttp10(ctx.dataReader());
        ServerConnection connection = http1.connection(http10 ? new Http10Context(ctx, config) : ctx);
        chosen = connection;
        if (closed) {
            return; // closed while the first line was awaited: the socket closes as this returns
        }
        connection.handle(limit);
    }

    /** Blocks until the first line is whole; anything malformed, too long or cut is Helidon's to answer. */
    private boolean firstLineIsHttp10(DataReader reader) {
        try {
            int max = config.maxPrologueLength();
            int eol = reader.findNewLine(max);
            if (eol == max) {
                return false; // Helidon answers 414
            }
            return new String(reader.getBuffer(eol).readBytes(), StandardCharsets.US_ASCII).endsWith(HTTP_1_0);
        } catch (RuntimeException badOrGone) {
            // a lone CR or LF (400), the client went, or close() interrupted the read
            return false;
        }
    }

    @Override
    public Duration idleTime() {
        ServerConnection connection = chosen;
        return connection == null ? Duration.ofNanos(System.nanoTime() - openedNanos) : connection.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        closed = true;
        ServerConnection connection = chosen;
        if (connection != null) {
            connection.close(interrupt);
            return;
        }
        Thread waiting = thread;
        if (waiting != null) {
            waiting.interrupt(); // waiting for a request, like Helidon's connection reading a prologue
        }
    }

    @Override
    public boolean canInterrupt() {
        ServerConnection connection = chosen;
        if (connection == null) {
            return true;
        }
        return connection instanceof InterruptableTask<?> task && task.canInterrupt();
    }
}
