package farmdesk.pages;

import java.nio.file.Files;
import java.nio.file.Path;

import io.helidon.http.HeaderNames;
import io.helidon.http.NotFoundException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v/<version>/<path>}: the file {@code web/<path>}, whatever the version. The pages load their
 * scripts and styles from here, so relative module imports resolve under the same version with no change to
 * the scripts. A page's bundle ({@link WebBundles}: {@code farmer.bundle.js} and its map) is answered from the
 * jar here, and only here. The current version's answers may be kept for a year ({@link CachePolicy}); an older version
 * (a tab opened before a deploy that loads a module late) still gets the current file rather than a 404 that
 * would break the page, but marked {@code no-cache}, so that old URL never holds new bytes for a year.
 */
public final class VersionedFiles implements Handler {

    private final Path webDir;
    private final WebBundles bundles;

    public VersionedFiles(Path webDir, WebBundles bundles) {
        this.webDir = webDir.toAbsolutePath().normalize();
        this.bundles = bundles;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String path = req.path().path(); // decoded: %2e%2e is ".." here, and caught below
        int slash = path.indexOf('/', "/v/".length());
        String rest = slash < 0 ? "" : path.substring(slash + 1);
        byte[] bundle = bundles.file(rest);
        if (bundle != null) {
            res.header(HeaderNames.CONTENT_TYPE, rest.endsWith(".map") ? "application/json" : "text/javascript; charset=utf-8");
            res.send(bundle);
            return;
        }
        Path file = webDir.resolve(rest).normalize();
        // only a file of the web folder: never a folder, never outside it, never another route (/api/...)
        if (rest.isEmpty() || !file.startsWith(webDir) || !Files.isRegularFile(file)) {
            throw new NotFoundException("no such file");
        }
        res.reroute("/" + webDir.relativize(file).toString().replace('\\', '/'));
    }
}
