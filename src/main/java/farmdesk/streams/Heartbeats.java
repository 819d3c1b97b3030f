package farmdesk.streams;

import java.time.Duration;

import farmdesk.events.Broadcaster;

/**
 * Every heartbeat period, a comment to every open stream: proxies that cut idle responses keep the
 * stream, the stream notices an expired token, and a gone client is found (a write is the only way).
 */
final class Heartbeats implements AutoCloseable {

    private final Thread thread;

    Heartbeats(Broadcaster broadcaster, Duration period) {
        thread = Thread.ofPlatform().name("farmdesk-heartbeats").daemon().start(() -> {
            while (true) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                broadcaster.heartbeat();
            }
        });
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
