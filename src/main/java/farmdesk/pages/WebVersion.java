package farmdesk.pages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The version of the web folder: a hash of every file in it (names and bytes), taken at start. Scripts and
 * styles are served under {@code /v/<version>/}, so a browser may keep them for a year: a deploy that changes
 * any file (or a bundle, {@link WebBundles}) changes the version, and the pages (revalidated every time) then name the new paths. A change to
 * web/ while the service runs is seen at the next start.
 */
public record WebVersion(String id) {

    private static final int HEX_DIGITS = 12; // 48 bits: no two deploys of one site collide

    public static WebVersion of(Path webDir) {
        return of(webDir, WebBundles.none());
    }

    /** The version of the web folder and of the bundles served for it (a new build of them is a new version). */
    public static WebVersion of(Path webDir, WebBundles bundles) {
        try (Stream<Path> walk = Files.walk(webDir)) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                sha.update(webDir.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(f));
                sha.update((byte) 0);
            }
            bundles.feed(sha);
            return new WebVersion(HexFormat.of().formatHex(sha.digest()).substring(0, HEX_DIGITS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web folder " + webDir, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The path prefix of this version's files: {@code /v/<id>/}. */
    public String prefix() {
        return "/v/" + id + "/";
    }
}
