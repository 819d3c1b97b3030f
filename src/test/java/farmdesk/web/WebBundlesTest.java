package farmdesk.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, loading on a weak network: a page loads one bundle of its modules (built by {@code mvn package},
 * served from the jar), not a chain of twelve modules; a bundle is served only for the sources it was built
 * from; the page's inline first-data script runs under the Content-Security-Policy by its hash, and no other
 * inline script would.
 */
@FarmdeskServer
@Tag("h2-only") // not on PostgreSQL: the bundles come from the jar, not the database
class WebBundlesTest {

    private static final Pattern SCRIPT = Pattern.compile("<script type=\"module\" src=\"(v/[0-9a-f]+/)([a-z.]+)\"></script>");
    private static final Pattern INLINE = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

    private final Api api;

    WebBundlesTest(Api api) {
        this.api = api;
    }

    @Test
    void eachPageLoadsOneMinifiedBundleWithASourceMap() throws IOException {
        for (String page : new String[] {"/farmer.html", "/admin.html", "/"}) {
            Matcher m = SCRIPT.matcher(api.get(page, null).body());
            assertTrue(m.find(), page + " names no module script");
            assertTrue(m.group(2).endsWith(".bundle.js"), page + " loads " + m.group(2) + ", not a bundle");
            Api.Answer bundle = api.get("/" + m.group(1) + m.group(2), null);
            assertEquals(200, bundle.status());
            assertEquals("public, max-age=31536000, immutable", bundle.header("Cache-Control"));
            assertTrue(bundle.contentType().contains("javascript"), bundle.contentType());
            assertFalse(bundle.body().contains("\nimport "), page + ": the bundle still imports modules");
            assertTrue(bundle.body().strip().endsWith("//# sourceMappingURL=" + m.group(2) + ".map"), page + ": no source map");
            Api.Answer map = api.get("/" + m.group(1) + m.group(2) + ".map", null);
            assertEquals(200, map.status());
            assertTrue(map.body().contains("\"sources\""), map.body());
        }
        // minified: well under its sources (farmer.js and the modules it imports, as its map names them)
        String farmer = bundleOf(api.get("/farmer.html", null).body());
        String farmerMap = api.get(SCRIPT.matcher(api.get("/farmer.html", null).body()).results().findFirst()
                .map(r -> "/" + r.group(1) + r.group(2) + ".map").orElseThrow(), null).body();
        Matcher list = Pattern.compile("\"sources\":\\[([^\\]]*)\\]").matcher(farmerMap);
        assertTrue(list.find(), farmerMap);
        long sources = 0;
        for (Matcher source = Pattern.compile("\"\\./([^\"]+)\"").matcher(list.group(1)); source.find(); ) {
            sources += Files.size(Path.of("web", source.group(1)));
        }
        assertTrue(sources > 0 && farmer.length() < sources * 0.7,
                "farmer bundle " + farmer.length() + " bytes, its sources " + sources);
        assertTrue(farmer.contains("import(\"./older.js\")"), "older.js is no longer loaded on demand");
    }

    @Test
    void theServiceWorkerScriptIsServedMinifiedAtTheRoot() throws IOException {
        Api.Answer worker = api.get("/offline-worker.js", null);
        assertEquals(200, worker.status());
        assertTrue(worker.contentType().contains("javascript"), worker.contentType());
        assertEquals("no-cache", worker.header("Cache-Control"));
        long source = Files.size(Path.of("web", "offline-worker.js"));
        assertTrue(worker.body().length() < source * 0.6, "worker " + worker.body().length() + " bytes, its source " + source);
        assertFalse(worker.body().contains("// "), "comments left in the worker");
        // a classic script (a worker is not a module unless registered as one): an export would not run at all
        assertFalse(worker.body().matches("(?s).*\\bexport\\s*\\{.*"), "the worker has an export: a SyntaxError in a classic script");
        assertTrue(worker.body().contains("addEventListener(\"fetch\""), "not the worker: " + worker.body());
    }

    @Test
    void aWebFolderEditedAfterTheBuildGetsItsModulesNotAStaleBundle(Servers servers, @TempDir Path dir) throws IOException {
        Path web = dir.resolve("web");
        copy(Path.of("web"), web);
        Files.writeString(web.resolve("dom.js"), "\n// edited after the build\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        Farmdesk edited = servers.start(settings -> settings.webDir(web));
        Api other = new Api(edited.port());
        Matcher m = SCRIPT.matcher(other.get("/farmer.html", null).body());
        assertTrue(m.find());
        assertEquals("farmer.js", m.group(2), "a bundle of other sources is served");
        assertTrue(other.get("/" + m.group(1) + "dom.js", null).body().endsWith("// edited after the build\n"));
        // the admin page's bundle holds dom.js too: not served either
        Matcher admin = SCRIPT.matcher(other.get("/admin.html", null).body());
        assertTrue(admin.find());
        assertEquals("admin.js", admin.group(2));
    }

    @Test
    void theInlineFirstDataScriptRunsByItsHashAndNoOtherInlineScriptWould() throws NoSuchAlgorithmException {
        Api.Answer page = api.get("/farmer.html", null);
        Matcher inline = INLINE.matcher(page.body());
        assertTrue(inline.find(), "farmer.html has no inline script");
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(inline.group(1).getBytes(StandardCharsets.UTF_8)));
        String policy = page.header("Content-Security-Policy");
        assertTrue(policy.contains("script-src 'self' 'sha256-" + hash + "';"), policy);
        assertFalse(policy.contains("unsafe-inline"), policy);
        // other answers keep the plain policy: no inline script at all
        assertTrue(api.get("/api/nothing", null).header("Content-Security-Policy").contains("script-src 'self';"));
    }

    private String bundleOf(String html) {
        Matcher m = SCRIPT.matcher(html);
        assertTrue(m.find());
        return api.get("/" + m.group(1) + m.group(2), null).body();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
