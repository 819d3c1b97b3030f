package farmdesk.web;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A repeat visit costs one revalidation of the page: scripts and styles are loaded from a versioned path
 * ({@code /v/<content hash of web/>/...}) that browsers keep for a year without asking; the pages themselves
 * are revalidated each time ({@code no-cache}), so a deploy is seen at the next load, never an old script with
 * a new page. Bug 10: the favicon exists, and Last-Modified is an HTTP date.
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: static files and their caching do not touch the database
class StaticCachingTest {

    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** The page's script: its bundle (WebBundlesTest), under the version like every file. */
    private static final Pattern VERSIONED = Pattern.compile("src=\"(v/[0-9a-f]+/)farmer\\.bundle\\.js\"");
    /** RFC 9110 5.6.7 IMF-fixdate: two-digit day, GMT. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private final Api api;

    StaticCachingTest(Api api) {
        this.api = api;
    }

    @Test
    void pagesAreRevalidatedAndLoadVersionedFiles() {
        for (String page : new String[] {"/", "/farmer.html", "/admin.html"}) {
            Api.Answer a = api.get(page, null);
            assertEquals(200, a.status(), page);
            assertEquals("no-cache", a.header("Cache-Control"), page);
            assertNotNull(a.header("ETag"), page);
            assertFalse(a.body().matches("(?s).*(src|href)=\"[a-z]+\\.(js|css)\".*"), page + " loads an unversioned file");
        }
        Matcher m = VERSIONED.matcher(api.get("/farmer.html", null).body());
        assertTrue(m.find(), "farmer.html does not load a versioned farmer.bundle.js");
        Api.Answer versioned = api.get("/" + m.group(1) + "farmer.js", null);
        assertEquals(200, versioned.status());
        assertEquals(IMMUTABLE, versioned.header("Cache-Control"));
        assertEquals(api.get("/farmer.js", null).body(), versioned.body());
        assertTrue(versioned.contentType().contains("javascript"), versioned.contentType());
        // a module imported by a versioned module resolves under the same version
        String live = m.group(1) + "live/sse.js";
        Api.Answer imported = api.get("/" + live, null);
        assertEquals(200, imported.status(), live);
        assertEquals(IMMUTABLE, imported.header("Cache-Control"));
    }

    @Test
    void revalidatingAPageAnswers304() {
        Api.Answer first = api.get("/farmer.html", null);
        Api.Answer again = api.send("GET", "/farmer.html", null, null, new String[] {"If-None-Match", first.header("ETag")});
        assertEquals(304, again.status());
        assertEquals("", again.body());
    }

    @Test
    void anOldVersionStillServesTheCurrentFileButIsNotKept() {
        Api.Answer old = api.get("/v/0123456789/farmer.js", null);
        assertEquals(200, old.status());
        assertEquals(api.get("/farmer.js", null).body(), old.body());
        assertEquals("no-cache", old.header("Cache-Control"));
    }

    @Test
    void versionedPathsStayInsideTheWebFolder() {
        for (String path : new String[] {"/v/abc/../../pom.xml", "/v/abc/%2e%2e/%2e%2e/pom.xml", "/v/abc/", "/v/"}) {
            int status = api.get(path, null).status();
            assertTrue(status == 404 || status == 400, path + " -> " + status);
        }
    }

    @Test
    void theFaviconIsServed() {
        Api.Answer icon = api.get("/favicon.ico", null);
        assertEquals(200, icon.status());
        assertTrue(icon.contentType().startsWith("image/"), icon.contentType());
    }

    @Test
    void lastModifiedAndDateAreHttpDates() {
        for (String path : new String[] {"/farmer.html", "/farmer.js", "/farmdesk.css", "/favicon.ico", "/api/nothing"}) {
            Api.Answer a = api.get(path, null);
            for (String header : path.startsWith("/api") ? new String[] {"Date"} : new String[] {"Last-Modified", "Date"}) {
                String value = a.header(header);
                assertNotNull(value, path + " " + header);
                ZonedDateTime parsed = ZonedDateTime.parse(value, IMF_FIXDATE.withZone(java.time.ZoneOffset.UTC));
                assertEquals(value, IMF_FIXDATE.format(parsed), path + " " + header + ": " + value);
            }
        }
    }
}
