package farmdesk.pages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import farmdesk.Json;

/**
 * The pages' bundles: {@code farmer.js} and every module it imports, minified into one file at build time
 * ({@code mvn package}, closure-compiler, see pom.xml), shipped in the jar as
 * {@code farmdesk/web-bundles/farmer.bundle.js} with its source map. On a weak network a page's twelve modules
 * in four levels of imports cost three or four round trips; the bundle costs one.
 * <p>
 * A bundle is served only while the web folder holds exactly the sources it was built from: its source map
 * carries them ({@code sourcesContent}), and each is compared with the file of the same name. A web folder
 * edited after the build (or another one, {@code FARMDESK_WEB_DIR}) gets its modules as they are, with a
 * warning, never a bundle of other code. Modules imported on demand ({@code import('./older.js')}) are not in
 * a bundle: they load from the web folder under the same version, as before.
 */
public final class WebBundles {

    private static final Logger LOG = Logger.getLogger(WebBundles.class.getName());
    private static final String RESOURCES = "farmdesk/web-bundles/";
    static final String SUFFIX = ".bundle.js";

    /** A bundle's code and its source map. */
    record Bundle(byte[] code, byte[] map) { }

    /** By the page's script name: "farmer.js". */
    private final Map<String, Bundle> byScript;

    private WebBundles(Map<String, Bundle> byScript) {
        this.byScript = Collections.unmodifiableMap(byScript);
    }

    /** The bundles of the jar that match the web folder's top-level scripts. */
    public static WebBundles of(Path webDir) {
        Map<String, Bundle> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(webDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".js")).toList()) {
                String script = file.getFileName().toString();
                String name = script.substring(0, script.length() - ".js".length()) + SUFFIX;
                byte[] code = resource(name);
                byte[] map = resource(name + ".map");
                if (code == null || map == null) {
                    continue;
                }
                String stale = staleSource(webDir, map);
                if (stale == null) {
                    found.put(script, new Bundle(code, map));
                } else {
                    LOG.warning("not serving the bundle of " + script + ": " + stale
                            + " differs from what it was built from (run mvn package again); serving the modules");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web folder " + webDir, e);
        }
        return new WebBundles(found);
    }

    /** No bundles: the pages load their modules as they are. */
    public static WebBundles none() {
        return new WebBundles(Map.of());
    }

    /** The bundle standing for this top-level script ("farmer.js"), or null. */
    Bundle forScript(String script) {
        return byScript.get(script);
    }

    /** The bundle file ("farmer.bundle.js" or "farmer.bundle.js.map") served under /v/, or null. */
    byte[] file(String name) {
        for (Map.Entry<String, Bundle> e : byScript.entrySet()) {
            String bundle = bundleName(e.getKey());
            if (name.equals(bundle)) {
                return e.getValue().code();
            }
            if (name.equals(bundle + ".map")) {
                return e.getValue().map();
            }
        }
        return null;
    }

    static String bundleName(String script) {
        return script.substring(0, script.length() - ".js".length()) + SUFFIX;
    }

    /** Every bundle's bytes, in a fixed order: part of the web version (a new build is a new version). */
    void feed(java.security.MessageDigest sha) {
        byScript.forEach((script, b) -> {
            sha.update(script.getBytes(StandardCharsets.UTF_8));
            sha.update(b.code());
            sha.update(b.map());
        });
    }

    /** The first source of the map that the web folder does not hold as built, or null when all match. */
    private static String staleSource(Path webDir, byte[] map) throws IOException {
        JsonNode json = Json.read(map);
        JsonNode sources = json.path("sources"), contents = json.path("sourcesContent");
        if (!sources.isArray() || !contents.isArray() || sources.size() != contents.size() || sources.isEmpty()) {
            return "its source map";
        }
        Path root = webDir.toAbsolutePath().normalize();
        for (int i = 0; i < sources.size(); i++) {
            String source = sources.get(i).asText();
            Path file = root.resolve(source).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)
                    || !Arrays.equals(Files.readAllBytes(file), contents.get(i).asText().getBytes(StandardCharsets.UTF_8))) {
                return source;
            }
        }
        return null;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = WebBundles.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
