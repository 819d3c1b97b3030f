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

/**
 * The pages (web/*.html, and {@code /} for index.html), with their scripts and styles named under the web
 * folder's version: {@code src="farmer.js"} is served as {@code src="v/<version>/farmer.js"}, so the files
 * the page loads can be kept by browsers for a year and a deploy never mixes an old script with a new page.
 * No build step: the files in web/ stay as written; the pages are read and rewritten once, at start.
 * A page is revalidated at every load ({@code no-cache}, {@link CachePolicy}): ETag and Last-Modified,
 * answered 304 (If-None-Match, If-Modified-Since) or 412 (If-Unmodified-Since) as RFC 9110 13.2.2 orders.
 */
public final class Pages {

    /** A relative script or stylesheet reference: not absolute, not another origin, not a data: URL. */
    private static final Pattern FILE_REFERENCE =
            Pattern.compile("\\b(src|href)=\"(?![a-z][a-z0-9+.-]*:|/|#)([^\"?#]+\\.(?:js|css))\"");

    private record Page(byte[] bytes, String etag, Instant modified) { }

    private final Map<String, Page> byPath = new LinkedHashMap<>();

    private Pages(Path webDir, WebVersion version) {
        try (Stream<Path> files = Files.list(webDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".html")).sorted().toList()) {
                String html = Files.readString(file, StandardCharsets.UTF_8);
                Matcher m = FILE_REFERENCE.matcher(html);
                byte[] bytes = m.replaceAll(r -> r.group(1) + "=\"" + version.prefix().substring(1)
                        + Matcher.quoteReplacement(r.group(2)) + "\"").getBytes(StandardCharsets.UTF_8);
                Instant modified = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
                Page page = new Page(bytes, "\"" + version.id() + "-" + shortHash(bytes) + "\"", modified);
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

    /** Routes GET and HEAD of every page found in web/ now. */
    public static void route(HttpRouting.Builder routing, Path webDir, WebVersion version) {
        Pages pages = new Pages(webDir, version);
        pages.byPath.forEach((path, page) -> {
            routing.get(path, (req, res) -> pages.send(page, req, res, true));
            routing.head(path, (req, res) -> pages.send(page, req, res, false));
        });
    }

    private void send(Page page, ServerRequest req, ServerResponse res, boolean body) {
        res.header(HeaderNames.ETAG, page.etag());
        res.header(HeaderNames.LAST_MODIFIED, HttpDates.format(page.modified()));
        res.header(HeaderNames.CACHE_CONTROL, CachePolicy.REVALIDATE);
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
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
