package farmdesk.streams;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.ConcurrentWorkload;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;

/**
 * The ordering invariant on one instance: 4 writer threads post 400 messages, notes and updates while
 * subscribers of every kind reconnect at random with Last-Event-ID; each gets its events exactly once,
 * in order. (The same workload runs across two instances in MultiInstanceTest.)
 */
@FarmdeskServer
class OrderingUnderConcurrencyTest {

    @Test
    void everySubscriberGetsEveryEventOnceInOrder(@TempDir Path dir, Servers servers) throws Exception {
        Farmdesk app = servers.start(TestSettings.file(dir));
        new ConcurrentWorkload(List.of(new Api(app.port())), 4, 100).run();
    }
}
