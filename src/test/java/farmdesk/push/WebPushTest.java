package farmdesk.push;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import farmdesk.Farmdesk;
import farmdesk.Settings;
import farmdesk.testing.Api;
import farmdesk.testing.FarmdeskServer;
import farmdesk.testing.Servers;
import farmdesk.testing.SseClient;
import farmdesk.testing.TestSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Web Push end to end (docs/api.md "Web Push"): real server, real database, a push service on a loopback
 * port that checks the VAPID JWT and decrypts each push with the keys the test's "browser" made.
 * No timing: "no push" is shown by a later push to someone else arriving first (pushes go in event order).
 */
@FarmdeskServer
class WebPushTest {

    private TestPushService service;

    @BeforeEach
    void startService() throws Exception {
        service = new TestPushService();
    }

    @AfterEach
    void stopService(Servers servers) {
        // the servers first: a push still in flight at the end of a test is answered, so a stop does not wait
        // on the sender's retries against a closed service (up to PushFromLog.STOP_WAIT, 7-10 s per test)
        servers.stopAll();
        service.close();
        assertEquals(List.of(), service.problems(), "requests the push service refused");
    }

    /** No grace period and no grouping window: each event is pushed as soon as the sender reads it. */
    static PushSettings at(TestPushService service) {
        return PushSettings.defaults().withEndpointAllow(List.of(service.prefix()))
                .withWindows(java.time.Duration.ZERO, java.time.Duration.ZERO);
    }

    private Api start(Servers servers, Settings.Builder settings) throws Exception {
        Farmdesk app = servers.start(settings.push(at(service)).build());
        Api api = new Api(app.port());
        service.trust(api.get("/api/push/key", api.farmer("F-key")).json().get("publicKey").asText());
        return api;
    }

    private static void subscribe(Api api, String token, BrowserSubscription s) {
        Api.Answer a = api.post("/api/push/subscriptions", token, s.json());
        assertEquals(201, a.status(), a.toString());
    }

    @Test
    void aReplyAStatusChangeAndANewTicketArePushedEncryptedAndSignedButNeverAnInternalNote(Servers servers) throws Exception {
        Api api = start(servers, TestSettings.builder());
        String farmer = api.farmer("F-501");
        String admin = api.admin("A-501");
        BrowserSubscription phone = service.subscription("phone-501");
        BrowserSubscription desk = service.subscription("desk-501");
        subscribe(api, farmer, phone);
        subscribe(api, admin, desk);

        String ticket = api.createTicket(farmer, "Seeds", "my seeds are late");
        TestPushService.Push created = service.next();
        assertEquals(desk.endpoint, created.endpoint());
        assertEquals("new-ticket", created.payload().get("kind").asText());
        assertEquals(ticket, created.payload().get("ticketId").asText());

        api.post("/api/tickets/" + ticket + "/messages", admin, "{\"text\":\"internal: call the depot\",\"internal\":true}");
        long reply = api.postMessage(admin, ticket, "They ship tomorrow").get("id").asLong();
        TestPushService.Push pushed = service.next(); // the note came first in the log: no push for it
        assertEquals(phone.endpoint, pushed.endpoint());
        assertEquals("reply", pushed.payload().get("kind").asText());
        assertEquals(ticket, pushed.payload().get("ticketId").asText());
        assertEquals("They ship tomorrow", pushed.payload().get("text").asText());
        assertEquals("high", pushed.urgency());
        assertTrue(pushed.eventId() > 0);
        assertFalse(pushed.payload().toString().contains("depot"));
        assertTrue(reply > 0);

        api.patch("/api/tickets/" + ticket, admin, "{\"status\":\"resolved\"}");
        TestPushService.Push status = service.next();
        assertEquals(phone.endpoint, status.endpoint());
        assertEquals("status", status.payload().get("kind").asText());
        assertTrue(status.eventId() > pushed.eventId());
    }

    /**
     * The sender waits on the commit signal (events.CommitSignal), not on its poll: with the poll set to an
     * hour, replies posted while it is idle are still pushed, one after another.
     */
    @Test
    void anIdleSenderIsWokenByACommitNotByItsPoll(Servers servers) throws Exception {
        Farmdesk app = servers.start(TestSettings.builder().push(at(service)
                .withPoll(java.time.Duration.ofHours(1))).build());
        Api api = new Api(app.port());
        service.trust(api.get("/api/push/key", api.farmer("F-key")).json().get("publicKey").asText());
        String farmer = api.farmer("F-510");
        BrowserSubscription phone = service.subscription("phone-510");
        subscribe(api, farmer, phone);
        String ticket = api.createTicket(farmer, "Wake", "hello");
        String admin = api.admin("A-510");
        for (int i = 0; i < 3; i++) {
            api.postMessage(admin, ticket, "answer " + i);
            assertEquals("answer " + i, service.next().payload().get("text").asText());
        }
    }

    @Test
    void withoutPreviewAFarmersPushHasNoText(Servers servers) throws Exception {
        Farmdesk app = servers.start(TestSettings.builder().push(at(service).withPreview(false)).build());
        Api api = new Api(app.port());
        service.trust(api.get("/api/push/key", api.farmer("F-key")).json().get("publicKey").asText());
        String farmer = api.farmer("F-502");
        BrowserSubscription phone = service.subscription("phone-502");
        subscribe(api, farmer, phone);
        String ticket = api.createTicket(farmer, "Price", "what price for onions");
        api.postMessage(api.admin("A-502"), ticket, "secret price 42");
        TestPushService.Push pushed = service.next();
        assertEquals("reply", pushed.payload().get("kind").asText());
        assertTrue(pushed.payload().get("text").isNull(), pushed.payload().toString());
    }

    @Test
    void aSubscriptionThePushServiceSaysIsGoneIsDeleted(Servers servers) throws Exception {
        Api api = start(servers, TestSettings.builder());
        String gone = api.farmer("F-503");
        String other = api.farmer("F-504");
        String admin = api.admin("A-503");
        BrowserSubscription old = service.subscription("old-503");
        BrowserSubscription fresh = service.subscription("fresh-504");
        subscribe(api, gone, old);
        subscribe(api, other, fresh);
        service.answer(old, 410);
        String t1 = api.createTicket(gone, "Gone", "hello");
        String t2 = api.createTicket(other, "Here", "hello");
        api.postMessage(admin, t1, "answer one");
        api.postMessage(admin, t2, "answer two");
        List<TestPushService.Push> seen = service.until(fresh); // handled in order: the 410 came before
        assertEquals(List.of(old.endpoint, fresh.endpoint), seen.stream().map(TestPushService.Push::endpoint).toList());
        Api.Answer delete = api.send("DELETE", "/api/push/subscriptions", gone, "{\"endpoint\":\"" + old.endpoint + "\"}");
        assertEquals(404, delete.status(), "the 410 deleted it: " + delete);
    }

    @Test
    void noPushWhileTheFarmerHoldsALiveStream(Servers servers) throws Exception {
        Api api = start(servers, TestSettings.builder());
        String live = api.farmer("F-505");
        String away = api.farmer("F-506");
        String admin = api.admin("A-505");
        BrowserSubscription livePhone = service.subscription("live-505");
        BrowserSubscription awayPhone = service.subscription("away-506");
        subscribe(api, live, livePhone);
        subscribe(api, away, awayPhone);
        String t1 = api.createTicket(live, "Live", "hello");
        String t2 = api.createTicket(away, "Away", "hello");
        try (SseClient stream = SseClient.open(api.base(), "/api/farmers/F-505/events", live)) {
            assertEquals(200, stream.status());
            api.postMessage(admin, t1, "you are on the page");
            assertEquals("new-message", stream.next().type()); // delivered live
            api.postMessage(admin, t2, "you are not");
            List<TestPushService.Push> seen = service.until(awayPhone);
            assertEquals(List.of(awayPhone.endpoint), seen.stream().map(TestPushService.Push::endpoint).toList());
        }
    }

    @Test
    void aRestartNeitherLosesNorRepeatsAPush(Servers servers, @TempDir Path dir) throws Exception {
        Settings settings = TestSettings.file(dir).toBuilder().push(at(service)).build();
        Farmdesk first = servers.start(settings);
        Api api = new Api(first.port());
        String key = api.get("/api/push/key", api.farmer("F-key")).json().get("publicKey").asText();
        service.trust(key);
        String farmer = api.farmer("F-507");
        String admin = api.admin("A-507");
        BrowserSubscription phone = service.subscription("phone-507");
        subscribe(api, farmer, phone);
        String ticket = api.createTicket(farmer, "Restart", "hello");
        List<TestPushService.Push> all = new ArrayList<>();
        api.postMessage(admin, ticket, "before the restart");
        all.add(service.next());
        // the push service is unavailable for this one (503, Retry-After: 20): the stop comes while the sender
        // waits to retry, so this event's push is still to be sent when the instance stops
        service.answer(phone, 503);
        api.postMessage(admin, ticket, "just before the stop");
        assertEquals(503, service.next().answered());
        servers.stop(first);
        service.answer(phone, 201);

        Farmdesk second = servers.start(settings);
        api = new Api(second.port());
        assertEquals(key, api.get("/api/push/key", api.farmer("F-key")).json().get("publicKey").asText(),
                "the generated VAPID key is kept in the database");
        all.add(service.next()); // the one cut by the stop, sent again (before the next reply, which it would fold in)
        api.postMessage(api.admin("A-507"), ticket, "after the restart");
        do {
            all.add(service.next());
        } while (!all.getLast().payload().get("text").asText().equals("after the restart"));
        Map<Long, Long> perEvent = all.stream().collect(Collectors.groupingBy(TestPushService.Push::eventId, Collectors.counting()));
        assertEquals(List.of("before the restart", "just before the stop", "after the restart"),
                all.stream().map(p -> p.payload().get("text").asText()).toList());
        assertTrue(perEvent.values().stream().allMatch(n -> n == 1), "each event pushed once: " + perEvent);
    }

    @Test
    void subscriptionsAreValidatedAndOnlyTheOwnerDeletesOne(Servers servers) throws Exception {
        Api api = start(servers, TestSettings.builder());
        String farmer = api.farmer("F-508");
        String stranger = api.farmer("F-509");
        BrowserSubscription phone = service.subscription("phone-508");
        String good = phone.json();
        Function<String, Integer> post = body -> api.post("/api/push/subscriptions", farmer, body).status();

        assertEquals(422, post.apply(good.replace(service.prefix(), "http://10.0.0.1/push/")), "plain http");
        assertEquals(422, post.apply(good.replace(service.prefix(), "ftp://push.example/")), "another scheme");
        String p256dh = Api.parse(good).get("keys").get("p256dh").asText();
        String auth = Api.parse(good).get("keys").get("auth").asText();
        assertEquals(400, post.apply(good.replace(p256dh, p256dh.substring(4))), "a short key");
        assertEquals(400, post.apply(good.replace(p256dh, "C" + p256dh.substring(1))), "not an uncompressed point");
        String offCurve = p256dh.substring(0, 80) + (p256dh.charAt(80) == 'A' ? 'B' : 'A') + p256dh.substring(81);
        assertEquals(400, post.apply(good.replace(p256dh, offCurve)), "a point off the curve");
        assertEquals(400, post.apply(good.replace(auth, auth + "AAAA")), "a 19-byte auth");
        assertEquals(400, post.apply(good.replace(auth, "not+base64/url")), "not base64url");
        assertEquals(400, post.apply("{\"endpoint\":\"" + phone.endpoint + "\"}"), "no keys");
        assertEquals(400, post.apply("[1]"), "not an object");

        assertEquals(201, post.apply(good));
        assertEquals(204, post.apply(good), "the same endpoint again updates it");
        assertEquals(404, api.send("DELETE", "/api/push/subscriptions?endpoint=" + phone.endpoint, stranger, null).status(),
                "another user's endpoint");
        assertEquals(204, api.send("DELETE", "/api/push/subscriptions", farmer, "{\"endpoint\":\"" + phone.endpoint + "\"}").status());
        assertEquals(404, api.send("DELETE", "/api/push/subscriptions", farmer, "{\"endpoint\":\"" + phone.endpoint + "\"}").status());
    }

    @Test
    void keysFromTheSettingsSignThePushesAndBadOnesStopTheStart(Servers servers) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = g.generateKeyPair();
        String publicKey = BrowserSubscription.b64(BrowserSubscription.point((java.security.interfaces.ECPublicKey) pair.getPublic()));
        byte[] s = ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS().toByteArray();
        byte[] scalar = new byte[32];
        System.arraycopy(s, Math.max(0, s.length - 32), scalar, Math.max(0, 32 - s.length), Math.min(32, s.length));
        String privateKey = BrowserSubscription.b64(scalar);
        PushSettings push = at(service)
                .withVapid(publicKey, privateKey, "https://market.example/contact");

        Farmdesk app = servers.start(TestSettings.builder().push(push).build());
        Api api = new Api(app.port());
        assertEquals(publicKey, api.get("/api/push/key", api.farmer("F-key")).json().get("publicKey").asText());
        service.trust(publicKey);
        String farmer = api.farmer("F-510");
        BrowserSubscription phone = service.subscription("phone-510");
        subscribe(api, farmer, phone);
        String ticket = api.createTicket(farmer, "Keys", "hello");
        api.postMessage(api.admin("A-510"), ticket, "signed with the configured key");
        assertEquals("signed with the configured key", service.next().payload().get("text").asText());

        String otherPublic = BrowserSubscription.b64(BrowserSubscription.point(
                (java.security.interfaces.ECPublicKey) g.generateKeyPair().getPublic()));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> push.withVapid(otherPublic, privateKey, "mailto:a@b.example")); // refused with the settings, before a start
        assertTrue(e.getMessage().contains("not one key pair"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> push.withVapid(publicKey, null, "mailto:a@b.example"), "only one of the two keys");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> push.withVapid(publicKey, privateKey, "ops@market.example"), "a subject that is no mailto: or https:");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> push.withEndpointAllow(List.of("http://127.0.0.1:9000")), "an allowed prefix without a path");
    }
}
