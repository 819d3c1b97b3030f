package farmdesk.uploads;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.NodeTusClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference tus client, npm {@code tus-js-client} (web-tests/tus-client.mjs, run by Node), uploads to the
 * real server over real HTTP as an app does: chunkSize 1 MiB, its upload URL kept in a file
 * (FileUrlStorage). A wrong offset from the server (HEAD or PATCH) makes tus-js-client resume at the wrong
 * byte: its PATCH gets 409 again and again until it gives up ("error": no "success"), or, if the server
 * accepted it, the stored bytes differ (the SHA-256 check).
 */
@FarmdeskServer
class TusJsClientTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MIB = 1048576;

    private final Farmdesk app;
    private final Api api;
    private final Tus tus;
    private final String endpoint;

    @TempDir
    Path dir;

    TusJsClientTest(Farmdesk app, Api api) {
        this.app = app;
        this.api = api;
        this.tus = new Tus(api.base());
        // 127.0.0.1, not localhost: Node may try ::1 first
        this.endpoint = "http://127.0.0.1:" + api.base().getPort() + "/api/uploads";
    }

    /** About 3 MB that start like a PDF: stored byte for byte (images are re-encoded when cleaned). */
    private Path pdf(String name, long seed) throws Exception {
        byte[] bytes = new byte[3_000_000];
        new Random(seed).nextBytes(bytes);
        byte[] head = "%PDF-1.7\n%\u00e2\u00e3\n".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(head, 0, bytes, 0, head.length);
        return Files.write(dir.resolve(name), bytes);
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String pathOf(JsonNode line) {
        return URI.create(line.get("url").asText()).getPath();
    }

    private static List<JsonNode> requestsOf(NodeTusClient client, int upload) {
        return client.seenLines().stream()
                .filter(l -> "request".equals(l.path("kind").asText()) && l.path("upload").asInt() == upload)
                .toList();
    }

    @Test
    void anInterruptedUploadIsResumedByTusJsClientFromItsStoredUrlAndArrivesWhole() throws Exception {
        String farmer = api.farmer("F-tusjs-resume");
        Path file = pdf("delivery-note.pdf", 14);
        long size = Files.size(file);
        try (NodeTusClient client = NodeTusClient.start("cut-and-resume", endpoint, farmer, file, dir.resolve("urls.json"))) {
            JsonNode cut = client.next("interrupted", WAIT);
            assertEquals(MIB, cut.get("accepted").asLong(), client.seen());
            String path = pathOf(cut);

            // stopped after the first 1 MiB PATCH (the second one was cut as it went): HEAD says how far it got
            Api.Answer head = tus.head(path, farmer);
            assertEquals(200, head.status(), head.toString());
            long offset = Long.parseLong(head.header("Upload-Offset"));
            assertTrue(offset >= MIB && offset < size, "offset " + offset + " after the cut; " + client.seen());
            assertEquals(Long.toString(size), head.header("Upload-Length"));

            client.proceed();
            JsonNode previous = client.next("previous", WAIT);
            assertEquals(List.of(cut.get("url").asText()),
                    List.of(previous.get("urls").get(0).asText()), "the stored URL was found: " + client.seen());
            JsonNode done = client.next("success", WAIT);
            assertEquals(path, pathOf(done));
            // resumed, not started over: a HEAD first, and no second creation
            List<JsonNode> resumed = requestsOf(client, 2);
            assertEquals("HEAD", resumed.get(0).get("method").asText(), client.seen());
            assertTrue(resumed.stream().noneMatch(r -> "POST".equals(r.get("method").asText())), client.seen());
            // removeFingerprintOnSuccess: the URL is no longer stored
            assertEquals(0, client.next("stored", WAIT).get("count").asInt(), client.seen());

            Api.Answer after = tus.head(path, farmer);
            assertEquals(Long.toString(size), after.header("Upload-Offset"), after.toString());
            assertEquals(Long.toString(size), after.header("Upload-Length"), after.toString());
            String id = path.substring(path.lastIndexOf('/') + 1);
            Upload upload = app.uploads().find(id).orElseThrow();
            assertEquals("application/pdf", upload.contentType());
            assertEquals("delivery-note.pdf", upload.filename());
            String sent;
            try (InputStream in = Files.newInputStream(file)) {
                sent = sha256(in);
            }
            try (InputStream stored = app.uploads().read(id)) {
                assertEquals(sent, sha256(stored), "the stored bytes are the file's, once each, in order");
            }
            // and as a reader gets them: attached to a message, downloaded
            String ticket = api.createTicket(farmer, "Delivery note", "see the note");
            Api.Answer posted = api.post("/api/tickets/" + ticket + "/messages", farmer,
                    "{\"text\":\"\",\"attachments\":[\"" + id + "\"]}");
            assertEquals(201, posted.status(), posted.toString());
            HttpResponse<byte[]> download = api.download("/api/attachments/" + id, farmer);
            assertEquals(200, download.statusCode());
            assertEquals(size, download.body().length);
            assertEquals(sent, sha256(new ByteArrayInputStream(download.body())), "GET /api/attachments/" + id);
        }
    }

    @Test
    void abortTrueTerminatesTheUpload() throws Exception {
        String farmer = api.farmer("F-tusjs-terminate");
        Path file = pdf("receipt.pdf", 15);
        try (NodeTusClient client = NodeTusClient.start("terminate", endpoint, farmer, file, dir.resolve("urls.json"))) {
            JsonNode terminated = client.next("terminated", WAIT);
            assertEquals(MIB, terminated.get("accepted").asLong(), client.seen());
            assertTrue(requestsOf(client, 1).stream().anyMatch(r -> "DELETE".equals(r.get("method").asText())), client.seen());
            Api.Answer head = tus.head(pathOf(terminated), farmer);
            assertEquals(404, head.status(), head.toString());
            assertEquals(0, client.next("stored", WAIT).get("count").asInt(), client.seen());
        }
    }
}
