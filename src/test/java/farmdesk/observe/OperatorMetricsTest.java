package farmdesk.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.SseClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meters docs/deploy.md tells an operator to alert on are at /observe/metrics, with sane values. */
@FarmdeskServer
class OperatorMetricsTest {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    private final Api api;

    OperatorMetricsTest(Api api) {
        this.api = api;
    }

    @Test
    void poolRelayNewestIdErrorsAndLatenciesAreScraped() throws Exception {
        String farmer = api.farmer("F-metrics");
        String ticket = api.createTicket(farmer, "Seeds", "first");
        long newest;
        try (SseClient s = SseClient.open(api.base(), "/api/tickets/" + ticket + "/events", farmer)) {
            api.postMessage(farmer, ticket, "live");
            newest = s.next().numericId(); // written live: its delivery is measured
        }
        api.get("/", null); // a page
        String text = api.get("/observe/metrics", null).body();
        List<Sample> samples = parse(text);

        assertTrue(value(samples, "farmdesk_db_pool_active", "") >= 0);
        assertTrue(value(samples, "farmdesk_db_pool_idle", "") >= 0);
        assertEquals(0, value(samples, "farmdesk_db_pool_waiting", ""), "no request waits for a connection now");
        assertTrue(value(samples, "farmdesk_db_pool_max", "") >= 1);
        assertEquals(1, value(samples, "farmdesk_relay_connected", ""), "1 on H2 (no relay); 1 while LISTEN is up");
        assertTrue(value(samples, "farmdesk_events_newest_id", "") >= newest, "the newest id delivered here");
        assertTrue(value(samples, "farmdesk_http_5xx_total", "") >= 0);
        assertTrue(value(samples, "farmdesk_http_requests_seconds_count", "group=\"api\"") >= 3);
        assertTrue(value(samples, "farmdesk_http_requests_seconds_count", "group=\"pages\"") >= 1);
        assertTrue(value(samples, "farmdesk_http_requests_seconds_bucket", "le=\"0.005\"") >= 0, "a histogram");
        assertTrue(value(samples, "farmdesk_delivery_seconds_count", "") >= 1, "the live event's delivery");
        assertTrue(value(samples, "farmdesk_delivery_seconds_bucket", "le=\"10.0\"") >= 1, "a histogram");
        double deliverySum = value(samples, "farmdesk_delivery_seconds_sum", "");
        assertTrue(deliverySum >= 0 && deliverySum < 60, "seconds, not nanoseconds: " + deliverySum);
    }

    private record Sample(String name, String labels, double value) {
    }

    private static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (!line.startsWith("#") && m.matches()) {
                samples.add(new Sample(m.group(1), m.group(2) == null ? "" : m.group(2), Double.parseDouble(m.group(3))));
            }
        }
        return samples;
    }

    /** The value of the first sample with this name whose labels contain {@code label}; fails when none. */
    private static double value(List<Sample> samples, String name, String label) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().contains(label)).toList();
        assertFalse(found.isEmpty(), "no " + name + " {" + label + "} at /observe/metrics; farmdesk meters: "
                + samples.stream().map(Sample::name).filter(n -> n.startsWith("farmdesk")).distinct().toList());
        double v = found.getFirst().value();
        assertFalse(Double.isNaN(v), name + " is NaN");
        return v;
    }
}
