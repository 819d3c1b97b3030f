package farmdesk.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import org.junit.jupiter.api.Test;

import farmdesk.Farmdesk;
import farmdesk.auth.Role;
import farmdesk.auth.Tokens;
import farmdesk.testing.Api;
import farmdesk.testing.Servers;
import farmdesk.testing.TestSettings;

import static farmdesk.api.ApiAsserts.assertJson;
import static farmdesk.api.ApiAsserts.assertProblem;
import static farmdesk.api.ApiAsserts.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bearer tokens and unknown routes (docs/api.md, "Identity", "Errors"): which tokens are refused with
 * 401, dev login switched off, and problem+json for unknown paths and methods.
 */
class TokensAndUnknownPathsContractTest extends TicketsContractBase {

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
    void withDevLoginOffTheTokenPathIs404AndMintedTokensWork(Servers servers) {
        Farmdesk prod = servers.start(settings -> settings.authSecret(TestSettings.SECRET).devLogin(false));
        Api p = new Api(prod.port());
        assertProblem(p.post("/api/dev/token", null, "{\"role\":\"admin\",\"id\":\"A-1\",\"name\":\"x\"}"), 404);
        String farmer = hs256(TestSettings.SECRET, claims("F-prod", "farmer").build());
        assertJson(p.post("/api/tickets", farmer, "{\"subject\":\"s\",\"text\":\"t\"}"), 201);
        assertProblem(p.get("/api/tickets", null), 401);
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
}
