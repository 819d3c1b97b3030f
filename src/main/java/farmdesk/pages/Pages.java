package farmdesk.pages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.helidon.http.DateTime;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import farmdesk.http.HttpDates;
import farmdesk.http.SecurityHeaders;

/**
 * The pages (web/*.html, and {@code /} for index.html), with their scripts and styles named under the web
 * folder's version: {@code src="farmer.js"} is served as {@code src="v/<version>/farmer.js"}, so the files
 * the page loads can be kept by browsers for a year and a deploy never mixes an old script with a new page.
 * The files in web/ stay as written; the pages are read and rewritten once, at start: a page's module script
 * becomes its bundle when the build made one for exactly these sources ({@link WebBundles}), and an inline
 * script in a page is allowed by its hash in the page's Content-Security-Policy, and only that script.
 * A page is revalidated at every load ({@code no-cache}, {@link CachePolicy}): ETag and Last-Modified,
 * answered 304 (If-None-Match, If-Modified-Since) or 412 (If-Unmodified-Since) as RFC 9110 13.2.2 orders.
 */
public final class Pages {

    /** A relative script or stylesheet reference: not absolute, not another origin, not a data: URL. */
    private static final Pattern FILE_REFERENCE =
            Pattern.compile("\\b(src|href)=\"(?![a-z][a-z0-9+.-]*:|/|#)([^\"?#]+\\.(?:js|css))\"");

    /** An inline script: {@code <script>} with no attribute (the head's first-data script, see farmer.html). */
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

    private record Page(byte[] bytes, String etag, Instant modified, String policy) { }

    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");

    private final Map<String, Page> byPath = new LinkedHashMap<>();

    private Pages(Path webDir, WebVersion version, WebBundles bundles) {
        try (Stream<Path> files = Files.list(webDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".html")).sorted().toList()) {
                String html = Files.readString(file, StandardCharsets.UTF_8);
                Matcher m = FILE_REFERENCE.matcher(html);
                byte[] bytes = m.replaceAll(r -> r.group(1) + "=\"" + version.prefix().substring(1)
                        + Matcher.quoteReplacement(served(r.group(1), r.group(2), bundles)) + "\"").getBytes(StandardCharsets.UTF_8);
                Instant modified = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
                Page page = new Page(bytes, "\"" + version.id() + "-" + shortHash(bytes) + "\"", modified, policy(html));
                String name = file.getFileName().toString();
                byPath.put("/" + name, page);
                if (name.equals("index.html")) {
                    byPath.put("/", page);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pages of " + webDir, e);
        }
    }

    /** The file a page's reference is served as: a script's bundle when there is one, else the file itself. */
    private static String served(String attribute, String file, WebBundles bundles) {
        return attribute.equals("src") && bundles.forScript(file) != null ? WebBundles.bundleName(file) : file;
    }

    /**
     * The page's Content-Security-Policy: {@link SecurityHeaders#POLICY}, plus the hash of each of its inline
     * scripts, so that these (written in web/, read at start) run and no other inline script does.
     */
    private static String policy(String html) {
        Matcher m = INLINE_SCRIPT.matcher(html);
        StringBuilder hashes = new StringBuilder();
        while (m.find()) {
            hashes.append(" 'sha256-").append(Base64.getEncoder().encodeToString(sha256(m.group(1).getBytes(StandardCharsets.UTF_8))))
                    .append('\'');
        }
        return SecurityHeaders.POLICY.replace("script-src 'self'", "script-src 'self'" + hashes);
    }

    /** Routes GET and HEAD of every page found in web/ now. */
    public static void route(HttpRouting.Builder routing, Path webDir, WebVersion version, WebBundles bundles) {
        Pages pages = new Pages(webDir, version, bundles);
        pages.byPath.forEach((path, page) -> {
            routing.get(path, (req, res) -> pages.send(page, req, res, true));
            routing.head(path, (req, res) -> pages.send(page, req, res, false));
        });
        // The service worker's script lives at the root (a worker's scope is its folder) and is fetched again
        // at each visit (no-cache, CachePolicy): minified by the build like the pages' scripts (its comments
        // cost every farmer's first visit) when web/ holds exactly what it was built from, else the file as is
        WebBundles.Bundle worker = bundles.forScript(WORKER);
        if (worker != null) {
            routing.get("/" + WORKER, (req, res) -> sendScript(res, worker.code(), true));
            routing.head("/" + WORKER, (req, res) -> sendScript(res, worker.code(), false));
            routing.get("/" + WebBundles.bundleName(WORKER) + ".map", (req, res) -> {
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(worker.map());
            });
        }
    }

    static final String WORKER = "offline-worker.js";

    private static void sendScript(ServerResponse res, byte[] code, boolean body) {
        res.header(HeaderNames.CONTENT_TYPE, "text/javascript; charset=utf-8");
        if (body) {
            res.send(code);
        } else {
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(code.length));
            res.send();
        }
    }

    private void send(Page page, ServerRequest req, ServerResponse res, boolean body) {
        res.header(HeaderNames.ETAG, page.etag());
        res.header(HeaderNames.LAST_MODIFIED, HttpDates.format(page.modified()));
        res.header(HeaderNames.CACHE_CONTROL, CachePolicy.REVALIDATE);
        res.header(CONTENT_SECURITY_POLICY, page.policy());
        if (req.headers().contains(HeaderNames.IF_UNMODIFIED_SINCE)
                && date(req, HeaderNames.IF_UNMODIFIED_SINCE) instanceof Instant since && page.modified().isAfter(since)) {
            res.status(Status.PRECONDITION_FAILED_412).send();
            return;
        }
        if (req.headers().contains(HeaderNames.IF_NONE_MATCH)) {
            String match = req.headers().get(HeaderNames.IF_NONE_MATCH).get();
            if (match.equals("*") || Stream.of(match.split(",")).map(String::strip)
                    .map(t -> t.startsWith("W/") ? t.substring(2) : t).anyMatch(page.etag()::equals)) {
                res.status(Status.NOT_MODIFIED_304).send();
                return;
            }
        } else if (date(req, HeaderNames.IF_MODIFIED_SINCE) instanceof Instant since && !page.modified().isAfter(since)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        if (body) {
            res.send(page.bytes());
        } else {
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(page.bytes().length));
            res.send();
        }
    }

    /** The header's date, or null when absent or not an HTTP date (then ignored, RFC 9110 13.1.3). */
    private static Instant date(ServerRequest req, HeaderName name) {
        if (!req.headers().contains(name)) {
            return null;
        }
        try {
            return DateTime.parse(req.headers().get(name).get()).toInstant();
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String shortHash(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes)).substring(0, 12);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
