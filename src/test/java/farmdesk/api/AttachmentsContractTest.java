package farmdesk.api;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.testing.Api;
import farmdesk.testing.SseClient;
import farmdesk.uploads.Tus;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.messageBody;
import static farmdesk.api.ApiAsserts.messagesPath;
import static farmdesk.api.ApiAsserts.pollUntilMarker;
import static farmdesk.api.ApiAsserts.readUntilMarker;
import static farmdesk.api.Attaching.assertAttachment;
import static farmdesk.api.Attaching.body;
import static farmdesk.api.Attaching.jpeg;
import static farmdesk.api.Attaching.stored;
import static farmdesk.api.Attaching.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attaching uploads to messages (docs/api.md, "Attachments"): the message JSON on every path (POST answer,
 * GET, SSE live and replayed, poll), the text rules beside attachments, every refusal (400, 422, 409, with
 * nothing stored), racing posts for one upload, and clientId repeats. H2 and PostgreSQL.
 */
class AttachmentsContractTest extends TicketsContractBase {

    private Farmdesk app;

    @BeforeAll
    void app(Farmdesk app) {
        this.app = app;
    }

    private int messageCount(String ticket, String token) {
        return getTicket(ticket, token).get("messages").size();
    }

    @Test
    void attachmentsAreInTheAnswerTheTicketTheStreamThePollAndTheReplay() throws Exception {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String admin = api.admin("A-att");
        JsonNode created = create(farmer, "{\"subject\":\"Damaged bags\",\"text\":\"see photos\"}");
        String ticket = created.get("id").asText();
        assertEquals(0, created.at("/messages/0/attachments").size(), "the first message has none: " + created);
        assertTrue(created.at("/messages/0/attachments").isArray());
        long before = assertJson(api.get("/api/tickets/" + ticket + "/events/poll", farmer), 200).get("next").asLong();

        String first = upload(api, farmer, jpeg(1), "bags 1.jpg");
        String second = upload(api, farmer, Attaching.pdf(), "delivery note.pdf");
        try (SseClient live = SseClient.open(api.base(), "/api/admin/events", admin)) {
            assertEquals(200, live.status());
            JsonNode posted = assertJson(api.post(messagesPath(ticket), farmer, body("", first, second)), 201);
            assertEquals("", posted.get("text").asText(), "the text may be empty beside attachments");
            assertAttachments(posted, first, second);

            List<SseClient.Event> events = readUntilMarker(live, "");
            assertAttachments(events.getLast().json().get("message"), first, second);
        }
        api.postMessage(farmer, ticket, "marker");

        JsonNode messages = getTicket(ticket, admin).get("messages");
        assertEquals(3, messages.size());
        assertAttachments(messages.get(1), first, second);
        assertEquals(0, messages.get(2).get("attachments").size(), "a message without: []");
        assertEquals(messages.get(1), getTicket(ticket, farmer).get("messages").get(1), "the farmer sees the same");

        List<ApiAsserts.Polled> polled = pollUntilMarker(api, "/api/tickets/" + ticket + "/events/poll", farmer, before, "marker");
        JsonNode polledMessage = polled.stream().filter(p -> p.data().at("/message/text").asText().isEmpty()
                && p.type().equals("new-message")).findFirst().orElseThrow().data().get("message");
        assertAttachments(polledMessage, first, second);

        try (SseClient replay = SseClient.open(api.base(), "/api/farmers/" + farmerId + "/events", farmer,
                "Last-Event-ID", Long.toString(before))) {
            List<SseClient.Event> events = readUntilMarker(replay, "marker");
            JsonNode replayed = events.stream().filter(e -> e.type().equals("new-message"))
                    .map(e -> e.json().get("message")).filter(m -> m.get("text").asText().isEmpty()).findFirst().orElseThrow();
            assertAttachments(replayed, first, second);
        }
    }

    private void assertAttachments(JsonNode message, String jpegId, String pdfId) {
        JsonNode list = message.get("attachments");
        assertEquals(2, list.size(), message.toString());
        assertAttachment(list.get(0), jpegId, "bags 1.jpg", "image/jpeg", stored(app, jpegId).length);
        assertAttachment(list.get(1), pdfId, "delivery note.pdf", "application/pdf", stored(app, pdfId).length);
    }

    @Test
    void textMayBeEmptyOrAbsentBesideAnAttachmentButNotWithout() {
        String farmer = api.farmer(uniqueFarmer());
        String ticket = api.createTicket(farmer, "s", "t");
        JsonNode absent = assertJson(api.post(messagesPath(ticket), farmer, body(null, upload(api, farmer, jpeg(2), "a.jpg"))), 201);
        assertEquals("", absent.get("text").asText());
        JsonNode blank = assertJson(api.post(messagesPath(ticket), farmer, body(" \u200b ", upload(api, farmer, jpeg(3), "b.jpg"))), 201);
        assertEquals("", blank.get("text").asText());
        JsonNode worded = assertJson(api.post(messagesPath(ticket), farmer, body("  the bags  ", upload(api, farmer, jpeg(4), "c.jpg"))), 201);
        assertEquals("the bags", worded.get("text").asText());

        int count = messageCount(ticket, farmer);
        assertProblem(api.post(messagesPath(ticket), farmer, "{\"text\":\"\"}"), 400, "text");
        assertProblem(api.post(messagesPath(ticket), farmer, "{}"), 400, "text");
        assertProblem(api.post(messagesPath(ticket), farmer, "{\"text\":\"\",\"attachments\":null}"), 400, "text");
        assertProblem(api.post(messagesPath(ticket), farmer, body("x".repeat(4001), upload(api, farmer, jpeg(5), "d.jpg"))), 400, "text");
        assertEquals(count, messageCount(ticket, farmer), "nothing stored");
    }

    @Test
    void aMalformedListIs400AndStoresNothing() {
        String farmer = api.farmer(uniqueFarmer());
        String ticket = api.createTicket(farmer, "s", "t");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(upload(api, farmer, jpeg(10 + i), "p" + i + ".jpg"));
        }
        String one = ids.getFirst();
        for (String list : new String[] {"\"" + one + "\"", "{\"id\":\"" + one + "\"}", "[1]", "[null]", "[[\"" + one + "\"]]",
                "[]", "true"}) {
            assertProblem(api.post(messagesPath(ticket), farmer, "{\"text\":\"x\",\"attachments\":" + list + "}"), 400,
                    "attachments");
        }
        assertProblem(api.post(messagesPath(ticket), farmer, body("six", ids.toArray(String[]::new))), 400, "attachments", "5");
        assertProblem(api.post(messagesPath(ticket), farmer, body("twice", one, ids.get(1), one)), 400, "attachments", "twice");
        assertEquals(1, messageCount(ticket, farmer), "nothing stored");
        // none of them was attached by a refused post: five of them go now
        JsonNode five = assertJson(api.post(messagesPath(ticket), farmer, body("five", ids.subList(0, 5).toArray(String[]::new))), 201);
        assertEquals(5, five.get("attachments").size());
        for (int i = 0; i < 5; i++) {
            assertEquals(ids.get(i), five.get("attachments").get(i).get("id").asText(), "in the order posted");
        }
    }

    @Test
    void anUploadThatIsNotAFinishedOneOfTheSendersIs422AndNothingIsStored() {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String other = api.farmer(uniqueFarmer());
        String sameIdAdmin = api.admin(farmerId); // an admin whose id is the farmer's: someone else
        String admin = api.admin("A-422");
        String ticket = api.createTicket(farmer, "s", "t");
        Tus tus = new Tus(api.base());

        String mine = upload(api, farmer, jpeg(20), "mine.jpg");
        String othersUpload = upload(api, other, jpeg(21), "other.jpg");
        String unfinishedPath = tus.created(farmer, 1000, "half.jpg");
        assertEquals(204, tus.patch(unfinishedPath, farmer, 0, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}).status());
        String unfinished = unfinishedPath.substring(unfinishedPath.lastIndexOf('/') + 1);

        assertProblem(api.post(messagesPath(ticket), farmer, body("x", othersUpload)), 422, "attachments[0]", "of yours");
        assertProblem(api.post(messagesPath(ticket), farmer, body("x", mine, unfinished)), 422, "attachments[1]");
        assertProblem(api.post(messagesPath(ticket), farmer, body("x", mine, "no-such-upload")), 422, "attachments[1]");
        assertProblem(api.post(messagesPath(ticket), farmer, body("x", "")), 422, "attachments[0]");
        assertProblem(api.post(messagesPath(ticket), sameIdAdmin, body("x", mine)), 422, "attachments[0]");
        assertProblem(api.post(messagesPath(ticket), admin, body("x", mine)), 422, "attachments[0]");
        assertEquals(1, messageCount(ticket, farmer), "nothing stored");

        JsonNode ok = assertJson(api.post(messagesPath(ticket), farmer, body("x", mine)), 201);
        assertEquals(mine, ok.at("/attachments/0/id").asText(), "the refused posts attached nothing");
    }

    @Test
    void anUploadIsAttachedOnce409() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-409");
        String ticket = api.createTicket(farmer, "s", "t");
        String photo = upload(api, farmer, jpeg(30), "once.jpg");
        String fresh = upload(api, farmer, jpeg(31), "fresh.jpg");
        assertJson(api.post(messagesPath(ticket), farmer, body("first", photo)), 201);
        assertProblem(api.post(messagesPath(ticket), farmer, body("again", fresh, photo)), 409, "attachments[1]", "already attached");
        String other = api.createTicket(farmer, "s2", "t2");
        assertProblem(api.post(messagesPath(other), farmer, body("elsewhere", photo)), 409, "already attached");
        assertEquals(2, messageCount(ticket, admin), "nothing stored");
        assertEquals(1, messageCount(other, admin));
        assertJson(api.post(messagesPath(ticket), farmer, body("fresh is free", fresh)), 201);
    }

    @Test
    void twoPostsRacingForOneUploadGetOne201AndOne409AndTheWritesBesideThemAreStored() throws Exception {
        String farmer = api.farmer(uniqueFarmer());
        String ticket = api.createTicket(farmer, "s", "t");
        for (int round = 0; round < 5; round++) {
            String photo = upload(api, farmer, jpeg(40 + round), "race.jpg");
            int r = round;
            // two posts for the photo and four plain ones, released at once: they share batches (group commit)
            List<Api.Answer> answers = concurrently(6, new java.util.concurrent.Callable<>() {
                private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

                @Override
                public Api.Answer call() {
                    int i = n.getAndIncrement();
                    return api.post(messagesPath(ticket), farmer, i < 2 ? body("race " + r + "." + i, photo)
                            : messageBody("beside " + r + "." + i));
                }
            });
            int created = 0;
            int conflicts = 0;
            int beside = 0;
            for (Api.Answer a : answers) {
                if (a.status() == 409) {
                    assertProblem(a, 409, "already attached");
                    conflicts++;
                } else {
                    JsonNode m = assertJson(a, 201);
                    if (m.get("attachments").size() == 1) {
                        created++;
                    } else {
                        beside++;
                    }
                }
            }
            assertEquals(1, created, "one post has the upload: " + answers);
            assertEquals(1, conflicts, "the other is 409: " + answers);
            assertEquals(4, beside, "the writes beside them are stored: " + answers);
        }
        JsonNode messages = getTicket(ticket, farmer).get("messages");
        assertEquals(1 + 5 * 5, messages.size());
        long withPhoto = 0;
        for (JsonNode m : messages) {
            withPhoto += m.get("attachments").size();
        }
        assertEquals(5, withPhoto, "each upload on one message");
    }

    @Test
    void aRepeatedClientIdReturnsTheOriginalWithItsAttachments() {
        String farmer = api.farmer(uniqueFarmer());
        String ticket = api.createTicket(farmer, "s", "t");
        String photo = upload(api, farmer, jpeg(50), "kept.jpg");
        String cid = UUID.randomUUID().toString();
        String posted = "{\"text\":\"photo\",\"clientId\":\"" + cid + "\",\"attachments\":[\"" + photo + "\"]}";
        JsonNode first = assertJson(api.post(messagesPath(ticket), farmer, posted), 201);
        assertEquals(photo, first.at("/attachments/0/id").asText());
        JsonNode again = assertJson(api.post(messagesPath(ticket), farmer, posted), 200);
        assertEquals(first, again, "the original, attachments included (not a 409)");
        assertEquals(2, messageCount(ticket, farmer));
    }
}
