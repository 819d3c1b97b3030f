package farmdesk.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.testing.Api;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertNullPresent;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.hs256;
import static farmdesk.api.ApiAsserts.internalNote;
import static farmdesk.api.ApiAsserts.messageBody;
import static farmdesk.api.ApiAsserts.messagesPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST contract of tickets and messages (docs/api.md, "Tickets and messages", "Precise rules",
 * "Errors"), checked over real HTTP against a real server.
 */
@ServerTest
class TicketsContractTest {

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static Farmdesk app;

    private final Api api;

    TicketsContractTest(URI uri) {
        this.api = new Api(uri.getPort());
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        app = Farmdesk.create(TestSettings.inMemory());
        app.configure(server);
    }

    @AfterAll
    static void close() {
        app.close();
    }

    /** A farmer id used by one test only, so lists and counts are not shared between tests. */
    private static String uniqueFarmer() {
        return "F-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private JsonNode create(String farmerToken, String json) {
        return assertJson(api.post("/api/tickets", farmerToken, json), 201);
    }

    private JsonNode getTicket(String id, String token) {
        return assertJson(api.get("/api/tickets/" + id, token), 200);
    }

    private JsonNode patch(String id, String token, String json) {
        return assertJson(api.patch("/api/tickets/" + id, token, json), 200);
    }

    private JsonNode list(String query, String token) {
        return assertJson(api.get("/api/tickets" + query, token), 200);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("tickets").forEach(t -> ids.add(t.get("id").asText()));
        return ids;
    }

    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    // ---------------------------------------------------------------- create

    @Test
    void createAnswers201WithLocationDefaultsNullKeysAndTheFirstMessage() {
        String farmerId = uniqueFarmer();
        String farmer = api.token("farmer", farmerId, "Asha");
        Instant before = Instant.now().minusSeconds(5);

        Api.Answer a = api.post("/api/tickets", farmer, "{\"subject\":\"Payment not received\",\"text\":\"Hello\"}");
        JsonNode t = assertJson(a, 201);

        String id = t.get("id").asText();
        assertTrue(id.matches("TKT-[1-9][0-9]*"), id);
        assertEquals("/api/tickets/" + id, URI.create(a.header("Location")).getPath());
        assertEquals(farmerId, t.get("farmerId").asText());
        assertEquals("Asha", t.get("farmerName").asText());
        assertEquals("Payment not received", t.get("subject").asText());
        assertEquals("general", t.get("category").asText());
        assertEquals("normal", t.get("priority").asText());
        assertEquals("open", t.get("status").asText());
        assertNullPresent(t, "assigneeId");
        Instant createdAt = Instant.parse(t.get("createdAt").asText());
        assertTrue(createdAt.isAfter(before), "createdAt " + createdAt);
        assertEquals(createdAt, Instant.parse(t.get("updatedAt").asText()));
        assertEquals(0, t.get("unread").asInt(), "the farmer's own message is not unread");

        JsonNode messages = t.get("messages");
        assertEquals(1, messages.size(), t.toString());
        JsonNode first = messages.get(0);
        assertTrue(first.get("id").isIntegralNumber());
        assertEquals(id, first.get("ticketId").asText());
        assertEquals("farmer", first.get("senderRole").asText());
        assertEquals(farmerId, first.get("senderId").asText());
        assertEquals("Asha", first.get("senderName").asText());
        assertEquals("Hello", first.get("text").asText());
        assertFalse(first.get("internal").asBoolean());
        assertTrue(first.get("internal").isBoolean());
        assertNullPresent(first, "clientId");
        Instant.parse(first.get("createdAt").asText());

        JsonNode last = t.get("lastMessage");
        assertEquals(first.get("id").asLong(), last.get("id").asLong());
        assertEquals("farmer", last.get("senderRole").asText());
        assertEquals("Hello", last.get("text").asText());
        assertNotNull(last.get("createdAt"));

        // the Location answers with the same ticket
        JsonNode again = assertJson(api.get(URI.create(a.header("Location")).getPath(), farmer), 200);
        assertEquals(id, again.get("id").asText());
        assertNullPresent(again, "assigneeId");
    }

    @Test
    void createTakesCategoryPriorityAndTrimsSubjectTextAndCategory() {
        String farmer = api.farmer(uniqueFarmer());
        JsonNode t = create(farmer, "{\"subject\":\"  Seeds  \",\"text\":\"\\n\\t My seeds \\n\","
                + "\"category\":\"  deliveries \",\"priority\":\"urgent\",\"clientId\":\"c-1\"}");
        assertEquals("Seeds", t.get("subject").asText());
        assertEquals("deliveries", t.get("category").asText());
        assertEquals("urgent", t.get("priority").asText());
        assertEquals("My seeds", t.at("/messages/0/text").asText());
        assertEquals("My seeds", getTicket(t.get("id").asText(), farmer).at("/messages/0/text").asText(),
                "the trimmed value is stored");
        for (String p : List.of("low", "normal", "high", "urgent")) {
            assertEquals(p, create(farmer, "{\"subject\":\"s\",\"text\":\"t\",\"priority\":\"" + p + "\"}")
                    .get("priority").asText());
        }
    }

    @Test
    void ticketIdsAreUnique() {
        String farmer = api.farmer(uniqueFarmer());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            assertTrue(ids.add(api.createTicket(farmer, "s" + i, "t" + i)));
        }
    }

    @Test
    void createWithARepeatedClientIdReturnsTheOriginalWith200() {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String cid = UUID.randomUUID().toString();
        JsonNode first = create(farmer, "{\"subject\":\"First\",\"text\":\"one\",\"clientId\":\"" + cid + "\"}");
        String id = first.get("id").asText();

        Api.Answer repeat = api.post("/api/tickets", farmer,
                "{\"subject\":\"Second\",\"text\":\"two\",\"clientId\":\"" + cid + "\"}");
        JsonNode again = assertJson(repeat, 200);
        assertEquals(id, again.get("id").asText());
        assertEquals("First", again.get("subject").asText());
        assertEquals("/api/tickets/" + id, URI.create(repeat.header("Location")).getPath());
        assertEquals(1, again.get("messages").size());
        assertEquals(first.at("/messages/0/id").asLong(), again.at("/messages/0/id").asLong());
        assertEquals("one", again.at("/messages/0/text").asText());
        assertNullPresent(again, "assigneeId");

        // also after the ticket was closed and has more messages
        api.postMessage(farmer, id, "more");
        patch(id, farmer, "{\"status\":\"closed\"}");
        JsonNode late = assertJson(api.post("/api/tickets", farmer,
                "{\"subject\":\"Third\",\"text\":\"three\",\"clientId\":\"" + cid + "\"}"), 200);
        assertEquals(id, late.get("id").asText());
        assertEquals("one", late.at("/messages/0/text").asText());

        assertEquals(List.of(id), ids(list("", farmer)), "nothing else was created");

        // scoped to the farmer: another farmer's identical clientId makes a new ticket
        String other = api.farmer(uniqueFarmer());
        JsonNode theirs = create(other, "{\"subject\":\"Mine\",\"text\":\"mine\",\"clientId\":\"" + cid + "\"}");
        assertNotEquals(id, theirs.get("id").asText());
    }

    @Test
    void concurrentCreatesWithOneClientIdStoreOneTicket() throws Exception {
        String farmer = api.farmer(uniqueFarmer());
        String body = "{\"subject\":\"Race\",\"text\":\"at once\",\"clientId\":\"" + UUID.randomUUID() + "\"}";
        List<Api.Answer> answers = concurrently(12, () -> api.post("/api/tickets", farmer, body));
        assertEquals(1, answers.stream().filter(a -> a.status() == 201).count(), answers.toString());
        assertEquals(11, answers.stream().filter(a -> a.status() == 200).count(), answers.toString());
        Set<String> ids = new HashSet<>();
        Set<Long> firstIds = new HashSet<>();
        answers.forEach(a -> {
            ids.add(a.json().get("id").asText());
            firstIds.add(a.json().at("/messages/0/id").asLong());
        });
        assertEquals(1, ids.size(), ids.toString());
        assertEquals(1, firstIds.size(), firstIds.toString());
        assertEquals(1, list("", farmer).get("tickets").size());
    }

    @Test
    void onlyFarmersCreateTickets() {
        assertProblem(api.post("/api/tickets", api.admin("A-create"), "{\"subject\":\"s\",\"text\":\"t\"}"), 403);
    }

    @Test
    void createRefusesInvalidFieldsWithAUsefulDetail() {
        String farmer = api.farmer(uniqueFarmer());
        assertProblem(api.post("/api/tickets", farmer, "{\"text\":\"t\"}"), 400, "subject");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\"}"), 400, "text");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"   \",\"text\":\"t\"}"), 400, "subject");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\" \\n\\t \"}"), 400, "text");
        assertProblem(api.post("/api/tickets", farmer,
                "{\"subject\":" + Api.quote("x".repeat(201)) + ",\"text\":\"t\"}"), 400, "subject", "200");
        assertProblem(api.post("/api/tickets", farmer,
                "{\"subject\":\"s\",\"text\":\"t\",\"priority\":\"extreme\"}"), 400, "priority");
        assertProblem(api.post("/api/tickets", farmer,
                "{\"subject\":\"s\",\"text\":\"t\",\"category\":" + Api.quote("c".repeat(41)) + "}"), 400, "category");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":7,\"text\":\"t\"}"), 400, "subject");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":[\"t\"]}"), 400, "text");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\"t\",\"priority\":1}"), 400, "priority");
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\"t\",\"clientId\":{}}"), 400, "clientId");
        assertEquals(0, list("", farmer).get("tickets").size(), "nothing refused was stored");

        // boundaries that are fine: 200 code points of subject (emoji are 2 UTF-16 units), 40 of category
        String emoji = "\uD83C\uDF3E"; // 🌾
        JsonNode t = create(farmer, "{\"subject\":" + Api.quote(repeat(emoji, 200)) + ",\"text\":\"t\",\"category\":"
                + Api.quote(repeat(emoji, 40)) + "}");
        assertEquals(repeat(emoji, 200), t.get("subject").asText());
        assertEquals(repeat(emoji, 40), t.get("category").asText());
        assertProblem(api.post("/api/tickets", farmer,
                "{\"subject\":" + Api.quote(repeat(emoji, 201)) + ",\"text\":\"t\"}"), 400, "subject");
    }

    // ---------------------------------------------------------------- list

    @Test
    void aFarmerListsOwnTicketsAndAnAdminListsAll() {
        String a = api.farmer(uniqueFarmer());
        String b = api.farmer(uniqueFarmer());
        String admin = api.admin("A-list");
        String a1 = api.createTicket(a, "a1", "x");
        String a2 = api.createTicket(a, "a2", "x");
        String b1 = api.createTicket(b, "b1", "x");

        JsonNode pageA = list("", a);
        assertEquals(Set.of(a1, a2), new HashSet<>(ids(pageA)));
        assertNullPresent(pageA, "next");
        assertEquals(List.of(b1), ids(list("", b)));

        Set<String> all = new HashSet<>(allPages("/api/tickets?limit=200", admin));
        assertTrue(all.containsAll(Set.of(a1, a2, b1)), all.toString());
        // every listed ticket carries the full shape with unread
        for (JsonNode t : pageA.get("tickets")) {
            assertNullPresent(t, "assigneeId");
            assertTrue(t.get("unread").isIntegralNumber());
            assertTrue(t.get("lastMessage").isObject());
            assertFalse(t.has("messages"), "a list shows no messages: " + t);
        }
    }

    @Test
    void theListIsNewestActivityFirst() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-order");
        String t1 = api.createTicket(farmer, "one", "x");
        String t2 = api.createTicket(farmer, "two", "x");
        String t3 = api.createTicket(farmer, "three", "x");
        api.postMessage(admin, t1, "activity on the oldest");
        patch(t2, admin, "{\"priority\":\"high\"}");

        JsonNode page = list("", farmer);
        assertEquals(3, page.get("tickets").size());
        List<JsonNode> tickets = new ArrayList<>();
        page.get("tickets").forEach(tickets::add);
        List<JsonNode> sorted = new ArrayList<>(tickets);
        sorted.sort(Comparator.<JsonNode, Instant>comparing(t -> Instant.parse(t.get("updatedAt").asText()))
                .thenComparing(t -> Long.parseLong(t.get("id").asText().substring(4))).reversed());
        assertEquals(ids(sorted), ids(page), "newest updatedAt first");

        Instant u1 = Instant.parse(getTicket(t1, farmer).get("updatedAt").asText());
        Instant u2 = Instant.parse(getTicket(t2, farmer).get("updatedAt").asText());
        Instant u3 = Instant.parse(getTicket(t3, farmer).get("updatedAt").asText());
        assertFalse(u1.isBefore(u3), "a message moves the ticket's updatedAt forward");
        assertFalse(u2.isBefore(u1), "a PATCH moves the ticket's updatedAt forward");
        if (u2.isAfter(u1) && u1.isAfter(u3)) {
            assertEquals(List.of(t2, t1, t3), ids(page));
        }
    }

    private static List<String> ids(List<JsonNode> tickets) {
        return tickets.stream().map(t -> t.get("id").asText()).toList();
    }

    @Test
    void theListFiltersByStatusAndAssignee() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-filter-1");
        String admin2 = api.admin("A-filter-2");
        String open = api.createTicket(farmer, "open", "x");
        String pending = api.createTicket(farmer, "pending", "x");
        String closed = api.createTicket(farmer, "closed", "x");
        String mine = api.createTicket(farmer, "mine", "x");
        String theirs = api.createTicket(farmer, "theirs", "x");
        patch(pending, admin, "{\"status\":\"pending\"}");
        patch(closed, farmer, "{\"status\":\"closed\"}");
        patch(mine, admin, "{\"assigneeId\":\"A-filter-1\"}");
        patch(theirs, admin, "{\"assigneeId\":\"A-filter-2\"}");

        assertEquals(Set.of(open, mine, theirs), new HashSet<>(ids(list("?status=open", farmer))));
        assertEquals(List.of(pending), ids(list("?status=pending", farmer)));
        assertEquals(List.of(closed), ids(list("?status=closed", farmer)));
        assertEquals(List.of(), ids(list("?status=resolved", farmer)));

        Set<String> assignedToMe = new HashSet<>(allPages("/api/tickets?assignee=me", admin));
        assertTrue(assignedToMe.contains(mine));
        assertFalse(assignedToMe.contains(theirs));
        assertFalse(assignedToMe.contains(open));
        Set<String> forAdmin2 = new HashSet<>(allPages("/api/tickets?assignee=me", admin2));
        assertTrue(forAdmin2.contains(theirs));
        assertFalse(forAdmin2.contains(mine));
        Set<String> byId = new HashSet<>(allPages("/api/tickets?assignee=A-filter-2", admin));
        assertEquals(forAdmin2, byId);
        Set<String> none = new HashSet<>(allPages("/api/tickets?assignee=none", admin));
        assertTrue(none.containsAll(Set.of(open, pending, closed)), none.toString());
        assertFalse(none.contains(mine));
        assertFalse(none.contains(theirs));
        // filters combine, and a farmer's filter still shows only their own
        assertEquals(List.of(mine), ids(list("?status=open&assignee=A-filter-1", farmer)));
        assertEquals(Set.of(open), new HashSet<>(ids(list("?status=open&assignee=none", farmer))));

        assertProblem(api.get("/api/tickets?status=lost", farmer), 400, "status");
    }

    /** Every id of every page, following {@code next}; asserts no id twice. */
    private List<String> allPages(String first, String token) {
        List<String> all = new ArrayList<>();
        String path = first;
        for (int pages = 0; pages < 1000; pages++) {
            JsonNode page = assertJson(api.get(path, token), 200);
            assertTrue(page.has("next"), "next must be present: " + page);
            for (String id : ids(page)) {
                assertFalse(all.contains(id), "duplicate " + id + " across pages");
                all.add(id);
            }
            if (page.get("next").isNull()) {
                return all;
            }
            String sep = first.contains("?") ? "&" : "?";
            path = first + sep + "cursor=" + page.get("next").asText();
        }
        throw new AssertionError("paging never ended");
    }

    @Test
    void cursorPagingWalksEveryTicketOnceInOrder() {
        String farmer = api.farmer(uniqueFarmer());
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            created.add(api.createTicket(farmer, "t" + i, "x"));
        }
        List<String> whole = ids(list("?limit=200", farmer));
        assertEquals(23, whole.size());
        assertEquals(new HashSet<>(created), new HashSet<>(whole));

        List<String> paged = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            JsonNode page = list("?limit=5" + (next == null ? "" : "&cursor=" + next), farmer);
            pages++;
            assertTrue(page.get("tickets").size() <= 5);
            paged.addAll(ids(page));
            next = page.get("next").isNull() ? null : page.get("next").asText();
            if (next != null) {
                assertEquals(5, page.get("tickets").size(), "only the last page is short");
            }
        } while (next != null);
        assertEquals(5, pages);
        assertEquals(whole, paged, "pages join up in order without duplicates or gaps");

        // exactly a full last page: next is null on the page that holds the last ticket, or leads to an empty page
        JsonNode one = list("?limit=23", farmer);
        assertEquals(23, one.get("tickets").size());
        assertNullPresent(one, "next");
        JsonNode single = list("?limit=1", farmer);
        assertEquals(1, single.get("tickets").size());
        assertFalse(single.get("next").isNull());

        // admin paging over everything has no duplicates either, and includes all of this farmer's tickets
        List<String> all = allPages("/api/tickets?limit=7", api.admin("A-paging"));
        assertTrue(all.containsAll(created));
    }

    @Test
    void limitOutside1To200AndBadCursorsAre400() {
        String farmer = api.farmer(uniqueFarmer());
        api.createTicket(farmer, "s", "t");
        for (String bad : List.of("0", "201", "-1", "abc", "1.5", "", "99999999999")) {
            assertProblem(api.get("/api/tickets?limit=" + bad, farmer), 400, "limit");
        }
        assertJson(api.get("/api/tickets?limit=1", farmer), 200);
        assertJson(api.get("/api/tickets?limit=200", farmer), 200);

        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        List<String> badCursors = List.of("nonsense!!", "%25%25", b64.encodeToString("abc".getBytes()),
                b64.encodeToString("abc:def".getBytes()), b64.encodeToString(":".getBytes()),
                b64.encodeToString("-1:1".getBytes()), b64.encodeToString("1700000000000:-5".getBytes()),
                b64.encodeToString("9223372036854775807:1".getBytes()),
                b64.encodeToString("-9223372036854775808:1".getBytes()),
                b64.encodeToString("1:9223372036854775808".getBytes()));
        for (String bad : badCursors) {
            Api.Answer a = api.get("/api/tickets?cursor=" + bad, farmer);
            assertEquals(400, a.status(), () -> "cursor " + bad + ": " + a);
            assertProblem(a, 400, "cursor");
        }
    }

    // ---------------------------------------------------------------- get

    @Test
    void getShowsMessagesOldestFirstAndPagesBackWithBefore() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-pages");
        String id = api.createTicket(farmer, "long", "m0");
        List<Long> all = new ArrayList<>();
        all.add(getTicket(id, farmer).at("/messages/0/id").asLong());
        for (int i = 1; i <= 205; i++) {
            all.add(api.postMessage(i % 2 == 0 ? farmer : admin, id, "m" + i).get("id").asLong());
        }
        JsonNode latest = getTicket(id, farmer);
        JsonNode messages = latest.get("messages");
        assertEquals(200, messages.size(), "the latest 200");
        List<Long> page1 = new ArrayList<>();
        messages.forEach(m -> page1.add(m.get("id").asLong()));
        assertEquals(all.subList(6, 206), page1, "oldest first, ending with the newest");
        assertEquals("m205", messages.get(199).get("text").asText());

        JsonNode older = getTicket(id + "?before=" + page1.getFirst(), farmer);
        List<Long> page2 = new ArrayList<>();
        older.get("messages").forEach(m -> page2.add(m.get("id").asLong()));
        assertEquals(all.subList(0, 6), page2);
        assertEquals("m0", older.at("/messages/0/text").asText());
        assertEquals(0, getTicket(id + "?before=" + page2.getFirst(), farmer).get("messages").size());
        // before=a middle id: the 200 before it
        JsonNode middle = getTicket(id + "?before=" + all.get(100), admin);
        assertEquals(100, middle.get("messages").size());
        assertEquals(all.get(99).longValue(), middle.at("/messages/99/id").asLong());

        assertProblem(api.get("/api/tickets/" + id + "?before=abc", farmer), 400, "before");
        assertProblem(api.get("/api/tickets/" + id + "?before=-3", farmer), 400, "before");
    }

    @Test
    void unknownTicketsAre404() {
        String farmer = api.farmer(uniqueFarmer());
        for (String id : List.of("TKT-99999999", "TKT-0", "nonsense", "TKT-x", "tkt-1001", "TKT-99999999999999999999999")) {
            assertProblem(api.get("/api/tickets/" + id, farmer), 404);
            assertProblem(api.post(messagesPath(id), farmer, messageBody("x")), 404);
            assertProblem(api.patch("/api/tickets/" + id, farmer, "{\"status\":\"closed\"}"), 404);
            assertProblem(api.post("/api/tickets/" + id + "/read", farmer, "{\"messageId\":1}"), 404);
            assertProblem(api.post("/api/tickets/" + id + "/typing", farmer, null), 404);
        }
    }

    // ---------------------------------------------------------------- messages

    @Test
    void postingAMessageAnswers201AndMovesTheTicket() {
        String farmerId = uniqueFarmer();
        String farmer = api.token("farmer", farmerId, "Ravi");
        String admin = api.token("admin", "A-post", "Meena");
        JsonNode t = create(farmer, "{\"subject\":\"s\",\"text\":\"t\"}");
        String id = t.get("id").asText();

        Api.Answer a = api.post(messagesPath(id), admin, "{\"text\":\"  We are checking  \",\"clientId\":\"k-1\"}");
        JsonNode m = assertJson(a, 201);
        assertEquals(id, m.get("ticketId").asText());
        assertEquals("admin", m.get("senderRole").asText());
        assertEquals("A-post", m.get("senderId").asText());
        assertEquals("Meena", m.get("senderName").asText());
        assertEquals("We are checking", m.get("text").asText());
        assertFalse(m.get("internal").asBoolean());
        assertEquals("k-1", m.get("clientId").asText());
        assertTrue(m.get("id").asLong() > t.at("/messages/0/id").asLong());

        JsonNode after = getTicket(id, farmer);
        assertEquals(m.get("id").asLong(), after.at("/lastMessage/id").asLong());
        assertEquals("admin", after.at("/lastMessage/senderRole").asText());
        assertEquals("We are checking", after.at("/lastMessage/text").asText());
        assertFalse(Instant.parse(after.get("updatedAt").asText()).isBefore(Instant.parse(t.get("updatedAt").asText())));
        assertEquals(2, after.get("messages").size());
        assertEquals("open", after.get("status").asText(), "an admin message does not change the status");

        JsonNode fm = assertJson(api.post(messagesPath(id), farmer, messageBody("thanks")), 201);
        assertEquals("farmer", fm.get("senderRole").asText());
        assertNullPresent(fm, "clientId");
    }

    @Test
    void aRepeatedClientIdReturnsTheFirstMessageWith200() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-idem");
        String id = api.createTicket(farmer, "s", "t");
        String cid = UUID.randomUUID().toString();
        JsonNode first = assertJson(api.post(messagesPath(id), farmer, messageBody("once", cid)), 201);
        Api.Answer again = api.post(messagesPath(id), farmer, messageBody("twice?", cid));
        JsonNode second = assertJson(again, 200);
        assertEquals(first, second, "the original message, unchanged");
        assertEquals(2, getTicket(id, farmer).get("messages").size(), "nothing created");

        // also when the ticket was closed meanwhile (a new clientId there is 409)
        patch(id, admin, "{\"status\":\"closed\"}");
        assertEquals(first, assertJson(api.post(messagesPath(id), farmer, messageBody("thrice?", cid)), 200));
        assertProblem(api.post(messagesPath(id), farmer, messageBody("new", UUID.randomUUID().toString())), 409, "closed");
        assertEquals(2, getTicket(id, admin).get("messages").size());

        // scoped to the ticket: the same clientId on another ticket creates a message there
        String other = api.createTicket(farmer, "s2", "t2");
        JsonNode elsewhere = assertJson(api.post(messagesPath(other), farmer, messageBody("once", cid)), 201);
        assertNotEquals(first.get("id").asLong(), elsewhere.get("id").asLong());
        assertEquals(other, elsewhere.get("ticketId").asText());
    }

    @Test
    void concurrentRepeatsOfOneClientIdStoreOneMessage() throws Exception {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-race");
        String id = api.createTicket(farmer, "s", "t");
        for (int round = 0; round < 3; round++) {
            String cid = UUID.randomUUID().toString();
            String token = round == 1 ? admin : farmer;
            List<Api.Answer> answers = concurrently(16, () -> api.post(messagesPath(id), token, messageBody("race " + cid, cid)));
            assertEquals(1, answers.stream().filter(a -> a.status() == 201).count(), answers.toString());
            assertEquals(15, answers.stream().filter(a -> a.status() == 200).count(), answers.toString());
            Set<Long> messageIds = new HashSet<>();
            answers.forEach(a -> messageIds.add(a.json().get("id").asLong()));
            assertEquals(1, messageIds.size(), "all answers carry the same message: " + messageIds);
            long stored = 0;
            for (JsonNode m : getTicket(id, admin).get("messages")) {
                if (cid.equals(m.path("clientId").asText(null))) {
                    stored++;
                }
            }
            assertEquals(1, stored);
        }
        assertEquals(4, getTicket(id, admin).get("messages").size());
    }

    private static <T> List<T> concurrently(int n, java.util.concurrent.Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.call();
                }));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFarmerMessageReopensPendingAndResolvedTickets() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-reopen");
        String id = api.createTicket(farmer, "s", "t");

        patch(id, admin, "{\"status\":\"pending\"}");
        api.postMessage(admin, id, "admin writes on pending");
        assertEquals("pending", getTicket(id, farmer).get("status").asText(), "admin messages leave the status");
        api.postMessage(farmer, id, "farmer answers");
        assertEquals("open", getTicket(id, farmer).get("status").asText());

        patch(id, farmer, "{\"status\":\"resolved\"}");
        api.postMessage(admin, id, "admin writes on resolved");
        assertEquals("resolved", getTicket(id, farmer).get("status").asText());
        api.postMessage(farmer, id, "not solved after all");
        assertEquals("open", getTicket(id, admin).get("status").asText());

        api.postMessage(farmer, id, "still open");
        assertEquals("open", getTicket(id, admin).get("status").asText());
    }

    @Test
    void aFarmerReopeningEmitsNewMessageThenTicketUpdated() throws Exception {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String admin = api.admin("A-reopen-events");
        String id = api.createTicket(farmer, "s", "t");
        patch(id, admin, "{\"status\":\"pending\"}");
        try (SseClient stream = SseClient.open(api.base(), "/api/tickets/" + id + "/events", admin)) {
            assertEquals(200, stream.status());
            long messageId = api.postMessage(farmer, id, "back again").get("id").asLong();
            SseClient.Event m = stream.next();
            assertEquals("new-message", m.type());
            assertEquals(messageId, m.json().at("/message/id").asLong());
            SseClient.Event u = stream.next();
            assertEquals("ticket-updated", u.type());
            assertEquals(m.numericId() + 1, u.numericId());
            assertEquals("pending", u.json().at("/changes/status/0").asText());
            assertEquals("open", u.json().at("/changes/status/1").asText());
            assertEquals("open", u.json().at("/ticket/status").asText());
            assertFalse(u.json().get("ticket").has("unread"), "ticket objects inside events carry no unread");
        }
    }

    @Test
    void postingToAClosedTicketIs409UntilAnAdminReopensIt() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-closed");
        String id = api.createTicket(farmer, "s", "t");
        patch(id, farmer, "{\"status\":\"closed\"}");
        assertProblem(api.post(messagesPath(id), farmer, messageBody("hello?")), 409, id);
        assertProblem(api.post(messagesPath(id), admin, messageBody("hello?")), 409);
        assertProblem(api.post(messagesPath(id), admin, internalNote("note")), 409);
        assertEquals(1, getTicket(id, admin).get("messages").size());

        JsonNode reopened = patch(id, admin, "{\"status\":\"open\"}");
        assertEquals("open", reopened.get("status").asText());
        api.postMessage(farmer, id, "thanks for reopening");
    }

    @Test
    void aFarmerSendingAnInternalNoteGets403() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        assertProblem(api.post(messagesPath(id), farmer, internalNote("psst")), 403, "internal");
        JsonNode explicitFalse = assertJson(api.post(messagesPath(id), farmer, "{\"text\":\"x\",\"internal\":false}"), 201);
        assertFalse(explicitFalse.get("internal").asBoolean());
        JsonNode note = assertJson(api.post(messagesPath(id), api.admin("A-note"), internalNote("psst")), 201);
        assertTrue(note.get("internal").asBoolean());
    }

    // ---------------------------------------------------------------- PATCH

    @Test
    void aFarmerMayOnlyResolveOrCloseTheirOwnTicket() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        for (String body : List.of("{\"status\":\"open\"}", "{\"status\":\"pending\"}", "{\"priority\":\"urgent\"}",
                "{\"category\":\"vip\"}", "{\"assigneeId\":\"A-1\"}", "{\"assigneeId\":null}",
                "{\"status\":\"resolved\",\"priority\":\"high\"}")) {
            assertProblem(api.patch("/api/tickets/" + id, farmer, body), 403);
        }
        JsonNode t = getTicket(id, farmer);
        assertEquals("open", t.get("status").asText());
        assertEquals("normal", t.get("priority").asText());
        assertEquals("general", t.get("category").asText());

        JsonNode resolved = patch(id, farmer, "{\"status\":\"resolved\",\"note\":\"unknown fields are ignored\"}");
        assertEquals("resolved", resolved.get("status").asText());
        assertTrue(resolved.get("unread").isIntegralNumber());
        assertNullPresent(resolved, "assigneeId");
        JsonNode closed = patch(id, farmer, "{\"status\":\"closed\"}");
        assertEquals("closed", closed.get("status").asText());
    }

    @Test
    void anAdminMayChangeEverythingIncludingReopeningAndUnassigning() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-patch");
        String id = api.createTicket(farmer, "s", "t");
        Instant created = Instant.parse(getTicket(id, admin).get("updatedAt").asText());

        JsonNode t = patch(id, admin, "{\"status\":\"pending\",\"priority\":\"urgent\",\"category\":\"  payments \","
                + "\"assigneeId\":\"A-7\",\"colour\":\"red\",\"nested\":{\"x\":[1,2]}}");
        assertEquals("pending", t.get("status").asText());
        assertEquals("urgent", t.get("priority").asText());
        assertEquals("payments", t.get("category").asText());
        assertEquals("A-7", t.get("assigneeId").asText());
        assertFalse(Instant.parse(t.get("updatedAt").asText()).isBefore(created));
        assertTrue(t.get("unread").isIntegralNumber());
        assertFalse(t.has("colour"));

        assertEquals("A-7", patch(id, admin, "{\"priority\":\"low\"}").get("assigneeId").asText(),
                "leaving assigneeId out leaves the assignee");
        JsonNode unassigned = patch(id, admin, "{\"assigneeId\":null}");
        assertNullPresent(unassigned, "assigneeId");
        assertNullPresent(getTicket(id, farmer), "assigneeId");

        for (String s : List.of("resolved", "closed", "open", "closed", "pending", "open")) {
            assertEquals(s, patch(id, admin, "{\"status\":\"" + s + "\"}").get("status").asText());
        }
        assertEquals("open", patch(id, admin, "{}").get("status").asText(), "an empty PATCH changes nothing");

        assertProblem(api.patch("/api/tickets/" + id, admin, "{\"status\":\"done\"}"), 400, "status");
        assertProblem(api.patch("/api/tickets/" + id, admin, "{\"priority\":\"asap\"}"), 400, "priority");
        assertProblem(api.patch("/api/tickets/" + id, admin, "{\"status\":1}"), 400, "status");
        assertProblem(api.patch("/api/tickets/" + id, admin, "{\"assigneeId\":7}"), 400, "assigneeId");
        assertProblem(api.patch("/api/tickets/" + id, admin,
                "{\"category\":" + Api.quote("c".repeat(41)) + "}"), 400, "category");
        assertProblem(api.patch("/api/tickets/" + id, admin, "[]"), 400);
        JsonNode unchanged = getTicket(id, admin);
        assertEquals("low", unchanged.get("priority").asText());
        assertEquals("payments", unchanged.get("category").asText());
    }

    // ---------------------------------------------------------------- read and unread

    private int unread(String id, String token) {
        return getTicket(id, token).get("unread").asInt();
    }

    private int unreadInList(String id, String token, String query) {
        for (String path = "/api/tickets" + query; ; ) {
            JsonNode page = list(path.substring("/api/tickets".length()), token);
            for (JsonNode t : page.get("tickets")) {
                if (t.get("id").asText().equals(id)) {
                    return t.get("unread").asInt();
                }
            }
            if (page.get("next").isNull()) {
                throw new AssertionError(id + " not in the list");
            }
            path = "/api/tickets" + query + (query.isEmpty() ? "?" : "&") + "cursor=" + page.get("next").asText();
        }
    }

    @Test
    void unreadCountsTheOtherSidesMessagesPerReaderAndReadMarksMoveForwardOnly() {
        String farmer = api.farmer(uniqueFarmer());
        String admin1 = api.admin("A-unread-1");
        String admin2 = api.admin("A-unread-2");
        JsonNode t = create(farmer, "{\"subject\":\"s\",\"text\":\"first\"}");
        String id = t.get("id").asText();
        long first = t.at("/messages/0/id").asLong();

        assertEquals(0, unread(id, farmer));
        assertEquals(1, unread(id, admin1));
        assertEquals(1, unread(id, admin2));

        long r1 = api.postMessage(admin1, id, "reply 1").get("id").asLong();
        long r2 = api.postMessage(admin2, id, "reply 2").get("id").asLong();
        long note = assertJson(api.post(messagesPath(id), admin1, internalNote("internal")), 201).get("id").asLong();
        assertEquals(2, unread(id, farmer), "internal notes are excluded for farmers");
        assertEquals(2, unreadInList(id, farmer, ""));
        assertEquals(2, unread(id, farmer), "GET marks nothing");
        assertEquals(1, unread(id, admin1), "own and other admins' messages are not unread for an admin");

        assertEquals(204, api.post("/api/tickets/" + id + "/read", farmer, "{\"messageId\":" + r1 + "}").status());
        assertEquals(1, unread(id, farmer));
        assertEquals(1, unreadInList(id, farmer, "?status=open"));
        Api.Answer back = api.post("/api/tickets/" + id + "/read", farmer, "{\"messageId\":" + first + "}");
        assertEquals(204, back.status());
        assertEquals("", back.body());
        assertEquals(1, unread(id, farmer), "a read mark never moves back");
        assertEquals(204, api.post("/api/tickets/" + id + "/read", farmer, "{\"messageId\":" + r2 + "}").status());
        assertEquals(0, unread(id, farmer));

        // per reader: admin1 reading leaves admin2's count
        assertEquals(204, api.post("/api/tickets/" + id + "/read", admin1, "{\"messageId\":" + note + "}").status());
        assertEquals(0, unread(id, admin1));
        assertEquals(1, unread(id, admin2));
        assertEquals(1, unreadInList(id, admin2, "?assignee=none"));

        long f2 = api.postMessage(farmer, id, "more").get("id").asLong();
        assertEquals(1, unread(id, admin1));
        assertEquals(2, unread(id, admin2));
        assertEquals(0, unread(id, farmer));
        assertEquals(204, api.post("/api/tickets/" + id + "/read", admin2, "{\"messageId\":" + f2 + "}").status());
        assertEquals(0, unread(id, admin2));
    }

    @Test
    void readRefusesMessagesThatAreNotThisTicketsOrNotVisible() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-read");
        String id = api.createTicket(farmer, "s", "t");
        String other = api.createTicket(farmer, "s2", "t2");
        long otherMessage = getTicket(other, farmer).at("/messages/0/id").asLong();
        long note = assertJson(api.post(messagesPath(id), admin, internalNote("n")), 201).get("id").asLong();
        String path = "/api/tickets/" + id + "/read";
        assertProblem(api.post(path, farmer, "{\"messageId\":" + otherMessage + "}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":" + note + "}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":\"5\"}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":1.5}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":0}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":-4}"), 400, "messageId");
        assertProblem(api.post(path, farmer, "{\"messageId\":123456789012345678901234567890}"), 400, "messageId");
        assertProblem(api.post(path, farmer, null), 400);
    }

    @Test
    void typingAnswers204AndStoresNothing() {
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-typing");
        String id = api.createTicket(farmer, "s", "t");
        JsonNode before = getTicket(id, admin);
        Api.Answer a = api.post("/api/tickets/" + id + "/typing", farmer, null);
        assertEquals(204, a.status());
        assertEquals("", a.body());
        assertEquals(204, api.post("/api/tickets/" + id + "/typing", admin, null).status());
        assertEquals(204, api.post("/api/tickets/" + id + "/typing", admin, "{}").status());
        JsonNode after = getTicket(id, admin);
        assertEquals(before.get("updatedAt"), after.get("updatedAt"));
        assertEquals(before.get("messages"), after.get("messages"));
    }

    @Test
    void typingAnInternalNoteReachesAdminsOnly() throws Exception {
        String farmerId = uniqueFarmer();
        String farmer = api.farmer(farmerId);
        String admin = api.admin("A-typing-note");
        String id = api.createTicket(farmer, "s", "t");
        try (SseClient farmerStream = SseClient.open(api.base(), "/api/tickets/" + id + "/events", farmer);
             SseClient adminStream = SseClient.open(api.base(), "/api/admin/events", api.admin("A-watching"))) {
            assertEquals(204, api.post("/api/tickets/" + id + "/typing", admin, "{\"internal\":true}").status());
            SseClient.Event typing = adminStream.next();
            assertEquals("typing", typing.type());
            assertEquals(id, typing.json().get("ticketId").asText());
            api.postMessage(admin, id, "marker");
            SseClient.Event next = farmerStream.next();
            assertEquals("new-message", next.type(), "the farmer never sees the note being typed");
        }
        assertProblem(api.post("/api/tickets/" + id + "/typing", farmer, "{\"internal\":true}"), 403, "internal");
        assertProblem(api.post("/api/tickets/" + id + "/typing", farmer, "{\"internal\":\"yes\"}"), 400, "internal");
    }

    @Test
    void noBreakSpacesCountAsWhiteSpaceAndTrailingGarbageIsRefused() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        assertProblem(api.post("/api/tickets/" + id + "/messages", farmer, "{\"text\":\"\u00a0\u2007\u202f \"}"),
                400, "text");
        JsonNode m = assertJson(api.post("/api/tickets/" + id + "/messages", farmer,
                "{\"text\":\"\u00a0hello\u00a0\"}"), 201);
        assertEquals("hello", m.get("text").asText());
        assertProblem(api.post("/api/tickets/" + id + "/messages", farmer, "{\"text\":\"a\"} {\"text\":\"b\"}"),
                400, "malformed JSON");
    }

    // ---------------------------------------------------------------- text and bodies

    @Test
    void textIsTrimmedThenMeasuredInCodePoints() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        String emoji = "\uD83D\uDE9C"; // 🚜, two UTF-16 units, one code point
        String max = emoji.repeat(4000);
        JsonNode m = assertJson(api.post(messagesPath(id), farmer, messageBody("  \n" + max + "\t ")), 201);
        assertEquals(max, m.get("text").asText());
        assertEquals(max, getTicket(id, farmer).at("/messages/1/text").asText(), "stored trimmed and whole");

        assertProblem(api.post(messagesPath(id), farmer, messageBody(emoji.repeat(4001))), 400, "text", "4000");
        assertProblem(api.post(messagesPath(id), farmer, messageBody("x".repeat(4001))), 400, "text", "4000");
        assertJson(api.post(messagesPath(id), farmer, messageBody("x".repeat(4000))), 201);
        assertJson(api.post(messagesPath(id), farmer, messageBody("   " + "é".repeat(4000) + "   ")), 201);
        for (String blank : List.of("", " ", "   \n\t\r  ", "\u2003\u3000")) {
            assertProblem(api.post(messagesPath(id), farmer, messageBody(blank)), 400, "text", "empty");
        }
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":null}"), 400, "text");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"a\\u0000b\"}"), 400, "text");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"broken \\ud800 surrogate\"}"), 400, "text");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"x\",\"internal\":\"yes\"}"), 400, "internal");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"x\",\"clientId\":42}"), 400, "clientId");
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"x\",\"clientId\":\"  \"}"), 400, "clientId");
        assertEquals(4, getTicket(id, farmer).get("messages").size(), "nothing refused was stored");
    }

    @Test
    void malformedBodiesAre400WithADetail() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");
        for (String body : List.of("{", "{\"text\":", "not json", "{'text':'x'}", "{\"text\":\"x\",}")) {
            assertProblem(api.post(messagesPath(id), farmer, body), 400, "JSON");
            assertProblem(api.post("/api/tickets", farmer, body), 400, "JSON");
        }
        for (String body : List.of("[]", "\"text\"", "42", "null", "true", "[{\"text\":\"x\"}]")) {
            assertProblem(api.post(messagesPath(id), farmer, body), 400, "JSON object");
        }
        assertProblem(api.post(messagesPath(id), farmer, ""), 400);
        assertProblem(api.post(messagesPath(id), farmer, null), 400);
        assertProblem(api.post(messagesPath(id), farmer, "{\"text\":\"a\",\"text\":\"b\"}"), 400, "text");
        assertProblem(api.post(messagesPath(id), farmer, "[".repeat(5000) + "]".repeat(5000)), 400);
        assertProblem(api.post(messagesPath(id), farmer, "{\"x\":" + "[".repeat(3000) + "]".repeat(3000) + ",\"text\":\"t\"}"), 400);
        assertProblem(rawPost(messagesPath(id), farmer,
                new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}), 400);
        assertEquals(1, getTicket(id, farmer).get("messages").size());
    }

    private Api.Answer rawPost(String path, String token, byte[] body) {
        HttpRequest req = HttpRequest.newBuilder(api.base().resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return sendRaw(req);
    }

    private static Api.Answer sendRaw(HttpRequest req) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Api.Answer(r.statusCode(), r);
        } catch (IOException e) {
            throw new AssertionError(req + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void bodiesAbove64KiBAre413AndExactly64KiBIsAccepted() {
        String farmer = api.farmer(uniqueFarmer());
        String id = api.createTicket(farmer, "s", "t");

        String prefix = "{\"text\":\"fits\",\"pad\":\"";
        String suffix = "\"}";
        String exact = prefix + "p".repeat(64 * 1024 - prefix.length() - suffix.length()) + suffix;
        assertEquals(64 * 1024, exact.getBytes(StandardCharsets.UTF_8).length);
        assertJson(api.post(messagesPath(id), farmer, exact), 201);

        String over = prefix + "p".repeat(64 * 1024 + 1 - prefix.length() - suffix.length()) + suffix;
        assertProblem(api.post(messagesPath(id), farmer, over), 413);
        String big = prefix + "p".repeat(200_000) + suffix;
        // repeatedly: the 413 must reach the client every time, not a connection reset while it still sends
        for (int size : new int[] {70_000, 200_000, 1_000_000}) {
            String body = prefix + "p".repeat(size) + suffix;
            for (int i = 0; i < 15; i++) {
                assertProblem(api.post(messagesPath(id), farmer, body), 413, "65536");
            }
        }
        assertProblem(api.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\"t\",\"pad\":\""
                + "p".repeat(70_000) + "\"}"), 413);
        assertProblem(api.patch("/api/tickets/" + id, farmer, "{\"status\":\"closed\",\"pad\":\""
                + "p".repeat(70_000) + "\"}"), 413);

        // without a Content-Length (chunked) the limit holds too
        byte[] chunked = big.getBytes(StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(api.base().resolve(messagesPath(id)))
                .header("Authorization", "Bearer " + farmer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(chunked)))
                .build();
        assertProblem(sendRaw(req), 413);

        JsonNode t = getTicket(id, farmer);
        assertEquals(2, t.get("messages").size(), "nothing too large was stored");
        assertEquals("open", t.get("status").asText());
    }

    // ---------------------------------------------------------------- tokens

    private static JWTClaimsSet.Builder claims(String sub, String role) {
        return new JWTClaimsSet.Builder().subject(sub).claim("role", role).claim("name", "N")
                .expirationTime(java.util.Date.from(Instant.now().plusSeconds(600)));
    }

    @Test
    void tokenRules() {
        String good = hs256(TestSettings.SECRET, claims("F-tokens", "farmer").build());
        assertJson(api.get("/api/tickets", good), 200);
        String goodAdmin = hs256(TestSettings.SECRET, claims("A-tokens", "admin").build());
        assertJson(api.get("/api/tickets", goodAdmin), 200);
        // name is optional: defaults to the id
        String nameless = hs256(TestSettings.SECRET, new JWTClaimsSet.Builder().subject("F-nameless")
                .claim("role", "farmer").expirationTime(java.util.Date.from(Instant.now().plusSeconds(600))).build());
        assertEquals("F-nameless", create(nameless, "{\"subject\":\"s\",\"text\":\"t\"}").get("farmerName").asText());

        Tokens tokens = new Tokens(TestSettings.SECRET.getBytes(StandardCharsets.UTF_8));
        String expired = tokens.mint("F-tokens", Role.FARMER, "N", Duration.ofSeconds(-120));
        String otherSecret = hs256("another-secret-another-secret-another-secret!", claims("F-tokens", "farmer").build());
        String unknownRole = hs256(TestSettings.SECRET, claims("F-tokens", "superuser").build());
        String noRole = hs256(TestSettings.SECRET, new JWTClaimsSet.Builder().subject("F-tokens")
                .expirationTime(java.util.Date.from(Instant.now().plusSeconds(600))).build());
        String noExp = hs256(TestSettings.SECRET, new JWTClaimsSet.Builder().subject("F-tokens").claim("role", "farmer").build());
        String noSub = hs256(TestSettings.SECRET, new JWTClaimsSet.Builder().claim("role", "admin")
                .expirationTime(java.util.Date.from(Instant.now().plusSeconds(600))).build());
        String algNone = new PlainJWT(claims("A-tokens", "admin").build()).serialize();
        String[] parts = good.split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims("F-tokens", "admin").build().toString().getBytes(StandardCharsets.UTF_8));
        String tampered = parts[0] + "." + forgedPayload + "." + parts[2];
        String signatureless = parts[0] + "." + parts[1] + ".";

        assertProblem(api.get("/api/tickets", null), 401, "token");
        for (String bad : List.of(expired, otherSecret, unknownRole, noRole, noExp, noSub, algNone, tampered,
                signatureless, "garbage", "a.b.c")) {
            Api.Answer a = api.get("/api/tickets", bad);
            assertProblem(a, 401);
            assertNotNull(a.header("WWW-Authenticate"), "401 names the scheme");
            assertProblem(api.post("/api/tickets", bad, "{\"subject\":\"s\",\"text\":\"t\"}"), 401);
        }
        assertProblem(api.send("GET", "/api/tickets", null, null, new String[] {"Authorization", "Basic Zm9vOmJhcg=="}), 401);
        assertProblem(api.send("GET", "/api/tickets", null, null, new String[] {"Authorization", good}), 401);
        // ?access_token= counts on stream and poll URLs only, not on REST calls
        assertProblem(api.get("/api/tickets?access_token=" + good, null), 401);
        assertJson(api.get("/api/admin/events/poll?access_token=" + goodAdmin, null), 200);
    }

    @Test
    void withDevLoginOffTheTokenPathIs404AndMintedTokensWork() {
        try (Farmdesk prod = Farmdesk.start(TestSettings.builder().authSecret(TestSettings.SECRET).devLogin(false).build())) {
            Api p = new Api(prod.port());
            assertProblem(p.post("/api/dev/token", null, "{\"role\":\"admin\",\"id\":\"A-1\",\"name\":\"x\"}"), 404);
            String farmer = hs256(TestSettings.SECRET, claims("F-prod", "farmer").build());
            assertJson(p.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\"t\"}"), 201);
            assertProblem(p.get("/api/tickets", null), 401);
        }
    }

    @Test
    void unknownPathsAndMethodsAnswerProblemJson() {
        String farmer = api.farmer(uniqueFarmer());
        Api.Answer a = api.get("/api/nothing-here", farmer);
        assertTrue(a.status() == 404 || a.status() == 405, a.toString());
        assertProblem(a, a.status());
        String id = api.createTicket(farmer, "s", "t");
        Api.Answer delete = api.send("DELETE", "/api/tickets/" + id, farmer, null);
        assertTrue(delete.status() == 404 || delete.status() == 405, delete.toString());
        assertProblem(delete, delete.status());
        assertJson(api.get("/api/tickets/" + id, farmer), 200);
    }

    // ---------------------------------------------------------------- limits

    @Test
    void postingBeyondTheRateIs429WithRetryAfter() {
        try (Farmdesk limited = Farmdesk.start(TestSettings.builder().rateLimit(1).build())) {
            Api l = new Api(limited.port());
            String farmer = l.farmer("F-rate");
            String admin = l.admin("A-rate");
            String id = l.createTicket(farmer, "s", "t");
            long messageId = l.get("/api/tickets/" + id, admin).json().at("/messages/0/id").asLong();

            Api.Answer refused = null;
            int allowed = 0;
            for (int i = 0; i < 200 && refused == null; i++) {
                Api.Answer a = l.post("/api/tickets/" + id + "/typing", admin, null);
                if (a.status() == 429) {
                    refused = a;
                } else {
                    assertEquals(204, a.status(), a.toString());
                    allowed++;
                }
            }
            assertNotNull(refused, "no 429 after 200 calls at 1 per second");
            assertTrue(allowed >= 2, "the burst (2x the rate) is allowed first, got " + allowed);
            assertProblem(refused, 429);
            String retryAfter = refused.header("Retry-After");
            assertNotNull(retryAfter, "429 carries Retry-After");
            assertTrue(Long.parseLong(retryAfter) >= 1, retryAfter);

            // one budget for every posting call of that user
            assertProblem(l.post(messagesPath(id), admin, messageBody("x")), 429);
            assertProblem(l.patch("/api/tickets/" + id, admin, "{\"priority\":\"high\"}"), 429);
            assertProblem(l.post("/api/tickets/" + id + "/read", admin, "{\"messageId\":" + messageId + "}"), 429);
            // reads are not limited, and other users have their own budget
            assertJson(l.get("/api/tickets/" + id, admin), 200);
            assertJson(l.post(messagesPath(id), farmer, messageBody("still fine")), 201);
            assertEquals(2, l.get("/api/tickets/" + id, admin).json().get("messages").size());
            assertEquals("normal", l.get("/api/tickets/" + id, admin).json().get("priority").asText());
        }
    }

    @Test
    void streamsAndPollsBeyondTheQuotaAre429() throws Exception {
        try (Farmdesk limited = Farmdesk.start(TestSettings.builder().streamsPerUser(2).build())) {
            Api l = new Api(limited.port());
            String admin = l.admin("A-quota");
            String farmer = l.farmer("F-quota");
            String id = l.createTicket(farmer, "s", "t");
            // finished polls give their slot back
            for (int i = 0; i < 5; i++) {
                assertJson(l.get("/api/admin/events/poll?after=0&timeout=0", admin), 200);
            }
            try (SseClient s1 = SseClient.open(l.base(), "/api/admin/events", admin);
                 SseClient s2 = SseClient.open(l.base(), "/api/tickets/" + id + "/events", admin)) {
                assertEquals(200, s1.status());
                assertEquals(200, s2.status());
                Api.Answer third = l.send("GET", "/api/farmers/F-quota/events", admin, null,
                        new String[] {"Accept", "text/event-stream"});
                assertProblem(third, 429);
                assertNotNull(third.header("Retry-After"));
                assertProblem(l.get("/api/admin/events/poll?after=0&timeout=0", admin), 429);
                assertProblem(l.get("/api/tickets/" + id + "/events/poll?after=0&timeout=0", admin), 429);
                // per user: the farmer still has slots
                assertJson(l.get("/api/tickets/" + id + "/events/poll?after=0&timeout=0", farmer), 200);
                try (SseClient mine = SseClient.open(l.base(), "/api/farmers/F-quota/events", farmer)) {
                    assertEquals(200, mine.status());
                }
            }
        }
    }
}
