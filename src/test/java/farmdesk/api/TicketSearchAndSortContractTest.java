package farmdesk.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertNullPresent;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.internalNote;
import static farmdesk.api.ApiAsserts.messageBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /api/tickets?q= and ?sort= (docs/api.md, "Tickets and messages"): search by ticket id, farmer (id or
 * name), subject or message text, internal notes for admins only and never another farmer's tickets;
 * the orders "waiting" (oldest unanswered first) and "priority", each paged by its own cursors.
 */
class TicketSearchAndSortContractTest extends TicketsContractBase {

    @Test
    void searchFindsByIdFarmerSubjectAndMessageTextCaseInsensitively() {
        String word = UUID.randomUUID().toString().substring(0, 8);
        String farmerId = "F-srch-" + word;
        String farmer = api.token("farmer", farmerId, "Wanjiru " + word);
        String admin = api.admin("A-search");
        String byText = api.createTicket(farmer, "Tractor", "My PUMP-" + word + " leaks");
        String bySubject = api.createTicket(farmer, "Seeds " + word.toUpperCase() + " late", "hello");
        String other = api.createTicket(api.farmer(uniqueFarmer()), "Unrelated", "nothing here");

        assertEquals(Set.of(byText), found("pump-" + word, admin), "message text, any case");
        assertEquals(Set.of(bySubject), found("seeds " + word, admin), "subject");
        assertEquals(Set.of(byText, bySubject), found(farmerId, admin), "farmer id");
        assertEquals(Set.of(byText, bySubject), found("wanjiru " + word.toUpperCase(), admin), "farmer name");
        assertEquals(Set.of(other), found(other, admin), "ticket id");
        assertTrue(found(other.substring(4), admin).contains(other), "ticket number alone");
        assertEquals(Set.of(byText), found("pump-" + word, farmer), "a farmer searches their own tickets");
        assertEquals(Set.of(), found("%", api.farmer(uniqueFarmer())), "% is a character, not a wildcard");
        assertEquals(Set.of(), found(word + "_", admin), "_ is a character, not a wildcard");

        assertProblem(api.get("/api/tickets?q=" + "x".repeat(201), admin), 400, "q");
    }

    @Test
    void internalNotesAreSearchedForAdminsOnlyAndOtherFarmersTicketsNever() {
        String word = UUID.randomUUID().toString().substring(0, 8);
        String farmer = api.farmer(uniqueFarmer());
        String admin = api.admin("A-search-notes");
        String id = api.createTicket(farmer, "s", "public " + word);
        assertJson(api.post("/api/tickets/" + id + "/messages", admin, internalNote("secret-" + word)), 201);

        assertEquals(Set.of(id), found("secret-" + word, admin));
        assertEquals(Set.of(), found("secret-" + word, farmer), "the owner never finds a ticket by its internal notes");
        assertEquals(Set.of(id), found("public " + word, farmer));
        String stranger = api.farmer(uniqueFarmer());
        assertEquals(Set.of(), found("public " + word, stranger), "another farmer's message text");
        assertEquals(Set.of(), found(id, stranger), "another farmer's ticket id");
    }

    @Test
    void waitingListsUnansweredTicketsOldestWaitFirstAndPagesInThatOrder() {
        String word = UUID.randomUUID().toString().substring(0, 8);
        String farmer = api.token("farmer", "F-wait-" + word, "Waiting");
        String admin = api.admin("A-waiting");
        String answered = api.createTicket(farmer, "a", "first");
        String older = api.createTicket(farmer, "b", "first");
        String newer = api.createTicket(farmer, "c", "first");
        assertJson(api.post("/api/tickets/" + answered + "/messages", admin, messageBody("an answer")), 201);
        // more from the farmer, and an internal note, keep the wait as it began
        assertJson(api.post("/api/tickets/" + older + "/messages", farmer, messageBody("still waiting")), 201);
        assertJson(api.post("/api/tickets/" + older + "/messages", admin, internalNote("looking")), 201);
        String q = "&q=F-wait-" + word;
        assertEquals(List.of(older, newer), ids(list("?sort=waiting" + q, admin)));

        JsonNode olderTicket = getTicket(older, admin);
        JsonNode first = olderTicket.get("messages").get(0);
        assertEquals(first.get("createdAt").asText(), olderTicket.get("waitingSince").asText(), "the wait began with the first unanswered message");
        assertNullPresent(getTicket(answered, farmer), "waitingSince");

        // the answered one asks again: it waits now, the newest wait, so last
        assertJson(api.post("/api/tickets/" + answered + "/messages", farmer, messageBody("and now?")), 201);
        List<String> expected = List.of(older, newer, answered);
        assertEquals(expected, ids(list("?sort=waiting" + q, admin)));
        assertEquals(expected, paged("/api/tickets?limit=1&sort=waiting" + q, admin));
        assertEquals(expected, paged("/api/tickets?limit=1&sort=waiting" + q, farmer), "a farmer may sort their own");

        // an answer ends the wait; times order the list, not the numbers
        assertJson(api.post("/api/tickets/" + older + "/messages", admin, messageBody("done")), 201);
        assertEquals(List.of(newer, answered), ids(list("?sort=waiting" + q, admin)));
        Instant a = Instant.parse(getTicket(newer, admin).get("waitingSince").asText());
        Instant b = Instant.parse(getTicket(answered, admin).get("waitingSince").asText());
        assertTrue(!a.isAfter(b));
    }

    @Test
    void priorityListsMostUrgentFirstThenNewestActivityAndPagesInThatOrder() {
        String word = UUID.randomUUID().toString().substring(0, 8);
        String farmer = api.token("farmer", "F-prio-" + word, "Priority");
        String admin = api.admin("A-priority");
        List<String> created = new ArrayList<>();
        for (String p : List.of("low", "urgent", "normal", "high", "urgent", "low")) {
            created.add(assertJson(api.post("/api/tickets", farmer,
                    "{\"subject\":\"s\",\"text\":\"t\",\"priority\":\"" + p + "\"}"), 201).get("id").asText());
        }
        List<String> expected = List.of(created.get(4), created.get(1), created.get(3), created.get(2),
                created.get(5), created.get(0));
        String q = "&q=F-prio-" + word;
        assertEquals(expected, ids(list("?sort=priority" + q, admin)));
        assertEquals(expected, paged("/api/tickets?limit=2&sort=priority" + q, admin));
        assertEquals(expected, paged("/api/tickets?limit=1&sort=priority" + q, admin));
    }

    @Test
    void unknownOrdersAndCursorsOfAnotherOrderAre400() {
        String farmer = api.farmer(uniqueFarmer());
        api.createTicket(farmer, "a", "t");
        api.createTicket(farmer, "b", "t");
        for (String bad : List.of("newest", "WAITING", "priority,waiting")) {
            assertProblem(api.get("/api/tickets?sort=" + bad, farmer), 400, "sort");
        }
        String activity = list("?limit=1", farmer).get("next").asText();
        String waiting = list("?limit=1&sort=waiting", farmer).get("next").asText();
        String priority = list("?limit=1&sort=priority", farmer).get("next").asText();
        assertProblem(api.get("/api/tickets?sort=waiting&cursor=" + activity, farmer), 400, "cursor");
        assertProblem(api.get("/api/tickets?sort=priority&cursor=" + waiting, farmer), 400, "cursor");
        assertProblem(api.get("/api/tickets?cursor=" + priority, farmer), 400, "cursor");
        assertJson(api.get("/api/tickets?sort=priority&cursor=" + priority, farmer), 200);
    }

    private Set<String> found(String q, String token) {
        return Set.copyOf(ids(list("?limit=200&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), token)));
    }

    private List<String> paged(String first, String token) {
        List<String> all = new ArrayList<>();
        String path = first;
        for (int n = 0; n < 100; n++) {
            JsonNode page = assertJson(api.get(path, token), 200);
            all.addAll(ids(page));
            if (page.get("next").isNull()) {
                return all;
            }
            path = first + "&cursor=" + page.get("next").asText();
        }
        throw new AssertionError("paging never ended");
    }
}
