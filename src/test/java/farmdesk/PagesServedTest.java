package farmdesk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pages come from the web folder, with caching that works (revalidation gives 304, not an error),
 * under a strict Content-Security-Policy, and cannot be framed by another site.
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: the pages come from the web folder, not the database
class PagesServedTest {

    private final Api api;

    PagesServedTest(Api api) {
        this.api = api;
    }

    @Test
    void pagesAreServed() {
        for (String page : new String[] {"/", "/farmer.html", "/admin.html", "/farmer.js"}) {
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
            Api.Answer head = api.send("HEAD", "/farmer.js", null, null, h);
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

    /**
     * What the pages need and nothing more: no inline script or style (but a page's own inline script, named by
     * its hash: {@link #inlineScriptsRunByTheirHashOnly}), no framing, no foreign origins.
     */
    private static final List<String> PAGE_POLICY = List.of("default-src 'self'",
            "connect-src 'self'", "img-src 'self' data: blob:", "style-src 'self'", "frame-ancestors 'none'",
            "base-uri 'none'", "form-action 'self'");
    private static final Pattern TAG = Pattern.compile("<(script|style)\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern INLINE_ATTRIBUTE =
            Pattern.compile("<[^>]*\\s(style|on[a-z]+)\\s*=|javascript:", Pattern.CASE_INSENSITIVE);

    @Test
    void pagesCarryAStrictPolicyAndCannotBeFramed() throws IOException {
        for (String page : pagePaths()) {
            Api.Answer a = api.get(page, null);
            assertEquals(200, a.status(), page);
            String csp = a.header("Content-Security-Policy");
            assertNotNull(csp, page + " has no Content-Security-Policy");
            List<String> directives = Stream.of(csp.split(";")).map(String::strip).toList();
            for (String d : PAGE_POLICY) {
                assertTrue(directives.contains(d), page + ": no " + d + " in " + csp);
            }
            assertTrue(directives.stream().anyMatch(d -> d.matches("script-src 'self'( 'sha256-[A-Za-z0-9+/]+=*')*")),
                    page + ": script-src " + csp);
            assertFalse(csp.contains("unsafe"), page + ": " + csp);
            assertEquals("DENY", a.header("X-Frame-Options"), page);
        }
        for (String file : new String[] {"/farmer.js", "/live/sse.js", "/farmdesk.css"}) {
            assertEquals("DENY", api.get(file, null).header("X-Frame-Options"), file);
        }
    }

    @Test
    void apiAnswersCannotBeFramedEither() {
        for (String path : new String[] {"/api/tickets", "/api/nothing", "/nothing-here.html"}) {
            Api.Answer a = api.get(path, null);
            assertEquals("DENY", a.header("X-Frame-Options"), path);
            String csp = a.header("Content-Security-Policy");
            assertNotNull(csp, path);
            assertTrue(csp.contains("frame-ancestors 'none'"), path + ": " + csp);
        }
    }

    /**
     * Each page as served: styles come from files only, scripts too but for a page's own inline script, which
     * runs by its hash in the page's policy (never 'unsafe-inline'); no inline handler or style attribute.
     */
    @Test
    void inlineScriptsRunByTheirHashOnly() throws IOException, java.security.NoSuchAlgorithmException {
        for (String page : pagePaths()) {
            Api.Answer a = api.get(page, null);
            String html = a.body();
            Matcher tag = TAG.matcher(html);
            while (tag.find()) {
                assertTrue(tag.group(1).equalsIgnoreCase("script"), page + " has an inline " + tag.group());
                if (tag.group(2).contains("src=")) {
                    continue;
                }
                assertEquals("", tag.group(2), page + ": " + tag.group());
                String code = html.substring(tag.end(), html.indexOf("</script>", tag.end()));
                String hash = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(code.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                assertTrue(a.header("Content-Security-Policy").contains("'sha256-" + hash + "'"), page + ": inline script not in its policy");
            }
            Matcher attribute = INLINE_ATTRIBUTE.matcher(html);
            assertFalse(attribute.find(), () -> page + " has an inline handler or style: " + attribute.group());
        }
    }

    /**
     * The pages load their scripts as modules ({@code <script type="module">} and imports), which a browser
     * runs only when served with a JavaScript type (with nosniff, a wrong type is not guessed around).
     */
    @Test
    void scriptsAreServedAsJavaScript() throws IOException {
        List<String> scripts;
        try (Stream<Path> files = Files.walk(Path.of("web"))) {
            scripts = files.map(f -> Path.of("web").relativize(f).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".js")).map(n -> "/" + n).sorted().toList();
        }
        assertTrue(scripts.contains("/farmer.js") && scripts.contains("/live/connection.js"), scripts.toString());
        for (String script : scripts) {
            Api.Answer a = api.get(script, null);
            assertEquals(200, a.status(), script);
            assertTrue(a.contentType().startsWith("text/javascript"), script + ": " + a.contentType());
        }
    }

    /** Every page of the web folder, so a page added later is checked too. */
    private static List<String> pagePaths() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("web"))) {
            List<String> pages = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".html"))
                    .map(n -> "/" + n).sorted().toList();
            assertTrue(pages.contains("/farmer.html") && pages.contains("/admin.html"), pages.toString());
            return pages;
        }
    }
}
