package dev.webhookrelay.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.HeadlessChromium;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * A tenant portal link, minted with the tenant's API key, opens that tenant's console pages in a
 * browser without a login; another tenant's event is a 404 there, as is a tampered link, and
 * another tenant's endpoint cannot be sent a test event. The portal sets no cookie and may be framed
 * only by relay.console.portal-frame-ancestors.
 */
class PortalLinkShowsOnlyItsTenantTest extends RelayIntegrationTest {

    @Test
    void aPortalLinkOpensItsOwnTenantsEventsAndNoOtherTenants() throws Exception {
        String ownKey = createTenant("Portal Own");
        String otherKey = createTenant("Portal Other");
        try (TestReceiver receiver = new TestReceiver(); HeadlessChromium chromium = new HeadlessChromium()) {
            createEndpoint(ownKey, receiver.url(), "[]");
            createEndpoint(otherKey, receiver.url(), "[]");
            String ownEvent = postEvent(ownKey, "{\"type\":\"order.created\",\"payload\":{\"own\":true}}", null)
                    .json().get("id").asText();
            String otherEvent = postEvent(otherKey, "{\"type\":\"order.created\",\"payload\":{\"other\":true}}", null)
                    .json().get("id").asText();

            Response minted = post("/v1/portal-links", "", Map.of("Authorization", "Bearer " + ownKey));
            assertThat(minted.status()).isEqualTo(201);
            JsonNode link = minted.json();
            String url = link.get("url").asText();
            assertThat(url).startsWith("http://127.0.0.1:" + port + "/portal/");
            assertThat(Instant.parse(link.get("expiresAt").asText())).isBetween(Instant.now(),
                    Instant.now().plus(Duration.ofHours(2)));

            ChromeDriver browser = chromium.driver();
            browser.get(url);
            chromium.waiting().until(ExpectedConditions.textToBe(By.tagName("h1"), "Events"));
            assertThat(browser.findElements(By.linkText(ownEvent))).hasSize(1);
            assertThat(browser.findElements(By.linkText(otherEvent))).isEmpty();
            assertThat(browser.findElements(By.linkText("Overview"))).isEmpty();
            browser.findElement(By.linkText(ownEvent)).click();
            chromium.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), ownEvent));
            chromium.screenshot("portal-event");

            browser.get(url + "/events/" + otherEvent);
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("404 Not Found");
            assertThat(browser.manage().getCookies()).isEmpty();
        }
    }

    @Test
    void aPortalLinkSendsTestEventsToItsOwnTenantsEndpointsOnly() {
        String ownKey = createTenant("Portal Tester " + UUID.randomUUID());
        String otherKey = createTenant("Portal Tested " + UUID.randomUUID());
        try (TestReceiver own = new TestReceiver(); TestReceiver other = new TestReceiver()) {
            String ownEndpoint = createEndpoint(ownKey, own.url(), "[]").get("id").asText();
            String otherEndpoint = createEndpoint(otherKey, other.url(), "[]").get("id").asText();
            String path = post("/v1/portal-links", "", Map.of("Authorization", "Bearer " + ownKey)).json().get("url").asText()
                    .replaceFirst("^http://[^/]+", "");
            Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
            Map<String, String> htmx = Map.of("Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true");
            String event = "type=order.created&payload=" + URLEncoder.encode("{\"n\":1}", StandardCharsets.UTF_8);

            // Without JavaScript: the page itself answers the POST (the portal keeps no session for a flash).
            Response page = post(path + "/endpoints/" + ownEndpoint + "/test", event, form);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("Receiver answered HTTP 200", "<html");
            assertThat(page.headers()).doesNotContainKey("set-cookie");
            Response fragment = post(path + "/endpoints/" + ownEndpoint + "/test", event, htmx);
            assertThat(fragment.status()).isEqualTo(200);
            assertThat(fragment.body()).contains("Receiver answered HTTP 200").doesNotContain("<html");
            assertThat(own.received()).hasSize(2);

            assertThat(post(path + "/endpoints/" + otherEndpoint + "/test", event, form).status()).isEqualTo(404);
            Response refused = post(path + "/endpoints/" + otherEndpoint + "/test", event, htmx);
            assertThat(refused.status()).isEqualTo(404);
            assertThat(refused.body()).contains("Not sent.").doesNotContain("<html");
            assertThat(other.received()).isEmpty();

            Response invalid = post(path + "/endpoints/" + ownEndpoint + "/test", "type=order.created&payload=%7Bnot+json",
                    htmx);
            assertThat(invalid.status()).isEqualTo(422);
            assertThat(invalid.body()).contains("(field <code>payload</code>)");
            assertThat(own.received()).hasSize(2);
        }
    }

    @Test
    void theAdminMintsLinksForAnyTenantWhoseBulkReplayShowsItsProgressAndTamperedLinksOpenNothing() {
        String apiKey = createTenant("Portal Admin " + UUID.randomUUID());
        try (TestReceiver refusing = new TestReceiver(TestReceiver.Reply.status(400))) {
            createEndpoint(apiKey, refusing.url(), "[]");
            JsonNode accepted = postEvent(apiKey, "{\"type\":\"order.created\",\"payload\":{}}", null).json();
            String eventId = accepted.get("id").asText();
            awaitStatus(UUID.fromString(accepted.get("deliveries").get(0).get("id").asText()), "DEAD_LETTERED",
                    HeadlessChromium.PATIENCE);
            UUID tenantId = jdbc.queryForObject("SELECT tenant_id FROM events WHERE id = ?::uuid", UUID.class, eventId);
            Map<String, String> admin = Map.of("Authorization", "Bearer " + ADMIN_TOKEN);

            Response minted = post("/v1/admin/tenants/" + tenantId + "/portal-links", "", admin);
            assertThat(minted.status()).isEqualTo(201);
            String path = minted.json().get("url").asText().replaceFirst("^http://[^/]+", "");
            Response page = get(path + "/events/" + eventId, Map.of());
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains(eventId);
            assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'", "script-src 'self'");
            assertThat(page.headers()).doesNotContainKey("set-cookie");

            Response started = post(path + "/dead-letters/replay-all", "", Map.of());
            assertThat(started.status()).isEqualTo(302);
            String progress = started.header("Location").replaceFirst("^http://[^/]+", "");
            assertThat(progress).startsWith(path + "/replays/");
            assertThat(get(progress, Map.of()).body()).contains("Re-queued", "replay-bar");
            assertThat(get(progress + "/progress", Map.of()).body()).contains("replay-status").doesNotContain("<html");

            assertThat(post("/v1/admin/tenants/" + UUID.randomUUID() + "/portal-links", "", admin).status()).isEqualTo(404);
            assertThat(post("/v1/admin/tenants/" + tenantId + "/portal-links", "", Map.of()).status()).isEqualTo(401);
            assertThat(post("/v1/portal-links", "", Map.of()).status()).isEqualTo(401);
            String token = path.substring("/portal/".length());
            String tampered = token.substring(0, 10) + (token.charAt(10) == 'A' ? 'B' : 'A') + token.substring(11);
            assertThat(get("/portal/" + tampered + "/events/" + eventId, Map.of()).status()).isEqualTo(404);
            assertThat(get("/portal/not-a-token/events", Map.of()).status()).isEqualTo(404);
        }
    }
}
