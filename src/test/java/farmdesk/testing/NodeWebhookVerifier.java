package farmdesk.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Verifies received webhook requests with the npm {@code standardwebhooks} package (not our code), run by
 * Node from web-tests/webhook-verify.mjs. Each answer: {@code {"ok":true,"id":..,"payload":{..}}} or
 * {@code {"ok":false,"error":..}}.
 */
public final class NodeWebhookVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeWebhookVerifier() {
    }

    public static List<JsonNode> verify(String secret, List<WebhookReceiver.Request> requests) throws IOException, InterruptedException {
        WebTestsNpm.installFor("standardwebhooks");
        ObjectNode input = JSON.createObjectNode().put("secret", secret);
        ArrayNode list = input.putArray("requests");
        for (WebhookReceiver.Request r : requests) {
            ObjectNode one = list.addObject();
            ObjectNode headers = one.putObject("headers");
            r.headers().forEach(headers::put);
            one.put("body", r.body());
        }
        Process node = new ProcessBuilder("node", "web-tests/webhook-verify.mjs")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = node.getOutputStream()) {
            in.write(JSON.writeValueAsBytes(input));
        }
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
            throw new AssertionError("webhook-verify.mjs failed; it printed: " + out);
        }
        List<JsonNode> answers = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                answers.add(Api.parse(line));
            }
        }
        if (answers.size() != requests.size()) {
            throw new AssertionError("webhook-verify.mjs answered " + answers.size() + " of " + requests.size() + ": " + out);
        }
        return answers;
    }
}
