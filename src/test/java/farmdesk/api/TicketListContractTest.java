package farmdesk.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import farmdesk.testing.Api;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertNullPresent;
import static farmdesk.api.ApiAsserts.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /api/tickets (docs/api.md, "Tickets and messages"): who sees which tickets, newest activity first,
 * the status and assignee filters, cursor paging and refused limits and cursors.
 */
class TicketListContractTest extends TicketsContractBase {

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
        String admin = api.signedInAdmin("A-filter-1", "Admin 1");
        String admin2 = api.signedInAdmin("A-filter-2", "Admin 2");
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

    /** ?farmer= (the admin page's "other tickets of this farmer"): exactly that farmer's, never a look-alike's. */
    @Test
    void theFarmerFilterListsExactlyThatFarmersTicketsAndNeverOthersToAFarmer() {
        String id = uniqueFarmer();
        String farmer = api.farmer(id);
        String lookAlike = api.farmer(id + "0");
        String admin = api.admin("A-farmer-filter");
        Set<String> own = Set.of(api.createTicket(farmer, "a", "x"), api.createTicket(farmer, "b", "x"));
        String theirs = api.createTicket(lookAlike, "c", "x");
        assertEquals(own, new HashSet<>(ids(list("?farmer=" + id, admin))));
        assertEquals(List.of(theirs), ids(list("?farmer=" + id + "0", admin)));
        assertEquals(own, new HashSet<>(ids(list("?farmer=" + id, farmer))));
        assertEquals(List.of(), ids(list("?farmer=" + id + "0", farmer)), "another farmer's tickets stay hidden");
        assertProblem(api.get("/api/tickets?farmer=" + "f".repeat(65), admin), 400, "farmer");
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
}
