package farmdesk.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import farmdesk.Farmdesk;
import farmdesk.Settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/** What {@link FarmdeskExtension} promises: one server per class with its settings, and nothing left running. */
@FarmdeskServer
// not on PostgreSQL: tests the test extension itself (servers started and closed), not the database
@Tag("h2-only")
class FarmdeskExtensionTest {

    private static final String ORIGIN = "https://market.example";

    @ServerSettings
    static void settings(Settings.Builder settings) {
        settings.corsOrigins(List.of(ORIGIN));
    }

    @Test
    void theParametersAreOneServerStartedWithTheClassSettings(Api api, Farmdesk app, URI base) {
        assertEquals(app.port(), api.base().getPort());
        assertEquals(api.base(), base);
        Api.Answer a = api.send("GET", "/api/tickets", api.admin("A-ext"), null, new String[] {"Origin", ORIGIN});
        assertEquals(200, a.status());
        assertEquals(ORIGIN, a.header("Access-Control-Allow-Origin"), "the @ServerSettings method was applied");
    }

    @Test
    void everyServerIsClosedWhenItsScopeEndsAlsoAfterAFailedTest() {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request().selectors(selectClass(Sample.class)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        assertEquals(2, summary.getTestsSucceededCount() + summary.getTestsFailedCount(), "both sample tests ran");
        assertEquals(1, summary.getTestsFailedCount(), "the failing sample failed");
        assertEquals(3, Sample.ports.size(), Sample.ports.toString());
        Sample.ports.forEach((what, port) ->
                assertThrows(ConnectException.class, () -> connect(port), what + " still listens on " + port));
    }

    private static void connect(int port) throws IOException {
        new Socket("127.0.0.1", port).close();
    }

    /** Run only through the launcher above (a nested class: surefire does not pick it up by itself). */
    @FarmdeskServer
    static class Sample {

        static final Map<String, Integer> ports = new ConcurrentHashMap<>();

        @Test
        void usesTheClassServer(Farmdesk app) {
            ports.put("the class server", app.port());
        }

        @Test
        void failsWithServersOfItsOwnRunning(Servers servers) {
            ports.put("a test's own server", servers.start(s -> { }).port());
            ports.put("a test's second server", servers.start(TestSettings.inMemory()).port());
            throw new AssertionError("failing on purpose, with two servers of its own running");
        }
    }
}
