package farmdesk.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.SseClient;

import static farmdesk.streams.StreamLifecycleTest.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each stream announces a {@code retry:} of its own, drawn between 2 and 4 s, so the clients of an
 * instance that stops do not all reconnect in the same instant (issue 12, "After a deploy, everyone
 * reconnects at once"). With one value for every stream, 16 streams give 1 distinct value; with the
 * spread, 16 draws from 2,001 values are all equal with probability 2001^-15.
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: the retry: value is drawn per stream in memory
class RetrySpreadTest {

    private static final int STREAMS = 16;

    private final Api api;

    RetrySpreadTest(Api api) {
        this.api = api;
    }

    @Test
    void everyStreamAnnouncesARetryOfItsOwnBetweenTwoAndFourSeconds() throws Exception {
        String admin = api.admin("A-retry-spread");
        List<SseClient> streams = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                streams.add(SseClient.open(api.base(), "/api/admin/events", admin));
            }
            Set<Integer> retries = new TreeSet<>();
            for (SseClient s : streams) {
                awaitCondition(() -> s.retry() != null, "the opening block with its retry");
                int retry = Integer.parseInt(s.retry());
                assertTrue(retry >= 2000 && retry <= 4000, "retry " + retry + " outside 2000..4000");
                retries.add(retry);
            }
            assertTrue(retries.size() > 1, STREAMS + " streams, one retry for all: " + retries);
        } finally {
            streams.forEach(SseClient::close);
        }
    }
}
