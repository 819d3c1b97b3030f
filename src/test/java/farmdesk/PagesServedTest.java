package farmdesk;

import java.net.URI;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pages come from the web folder, with caching that works (revalidation gives 304, not an error). */
@ServerTest
class PagesServedTest {

    private static Farmdesk app;
    private final Api api;

    PagesServedTest(URI uri) {
        this.api = new Api(uri.getPort());
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        app = Farmdesk.create(TestSettings.inMemory());
        app.configure(server);
    }

    @AfterAll
    static void close() {
        app.close();
    }

    @Test
    void pagesAreServed() {
        for (String page : new String[] {"/", "/farmer.html", "/admin.html", "/farmdesk.js"}) {
            Api.Answer a = api.get(page, null);
            assertEquals(200, a.status(), page);
            assertTrue(a.body().length() > 100, page);
        }
        assertTrue(api.get("/farmer.html", null).contentType().startsWith("text/html"));
    }

    @Test
    void revalidationAnswers304WithoutABody() {
        Api.Answer first = api.get("/farmer.html", null);
        String etag = first.header("ETag");
        Api.Answer again = api.send("GET", "/farmer.html", null, null, new String[] {"If-None-Match", etag});
        assertEquals(304, again.status());
        assertEquals("", again.body());
        Api.Answer since = api.send("GET", "/farmer.html", null, null,
                new String[] {"If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"});
        assertEquals(304, since.status());
    }

    @Test
    void unparsableConditionalDatesAreIgnored() {
        // RFC 9110 13.1.3 and 13.1.4: a date that is not an HTTP-date is ignored, as if the header were absent
        String[][] headers = {
                {"If-Modified-Since", "garbage"},
                {"If-Modified-Since", ""},
                {"If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 XYZ"},
                {"If-Unmodified-Since", "garbage"},
                {"If-Modified-Since", "garbage", "If-Unmodified-Since", "also garbage"},
        };
        for (String[] h : headers) {
            Api.Answer a = api.send("GET", "/farmer.html", null, null, h);
            assertEquals(200, a.status(), String.join(": ", h) + " -> " + a);
            assertTrue(a.body().contains("<html"), String.join(": ", h));
            Api.Answer head = api.send("HEAD", "/farmdesk.js", null, null, h);
            assertEquals(200, head.status(), "HEAD with " + String.join(": ", h) + " -> " + head);
        }
        // a valid date still counts
        Api.Answer past = api.send("GET", "/farmer.html", null, null,
                new String[] {"If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT"});
        assertEquals(412, past.status());
    }

    @Test
    void unknownPathsAreProblemJson404() {
        Api.Answer a = api.get("/nothing-here.html", null);
        assertEquals(404, a.status());
        Api.Answer b = api.get("/api/nothing", null);
        assertEquals(404, b.status());
        assertEquals("application/problem+json", b.contentType());
    }
}
