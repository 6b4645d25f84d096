package dev.webhookrelay.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.HeadlessChromium;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The operator's round trip in a real browser: sign in, create a tenant's endpoint and send it a test
 * event, see an event delivered with its attempt, see a failing endpoint's delivery reach the dead
 * letters, fix the endpoint, replay the delivery and watch it turn DELIVERED on the same page,
 * without a reload.
 */
class OperatorRepairsAFailedDeliveryInTheBrowserTest extends RelayIntegrationTest {

    @Test
    void theOperatorSeesDeliveriesAndRepairsAFailureFromTheConsole() throws Exception {
        String tenantName = "Console Ops " + UUID.randomUUID().toString().substring(0, 8);
        String apiKey = createTenant(tenantName);
        UUID tenantId = jdbc.queryForObject("SELECT id FROM tenants WHERE name = ?", UUID.class, tenantName);
        try (TestReceiver good = new TestReceiver();
             TestReceiver broken = new TestReceiver(TestReceiver.Reply.status(400));
             HeadlessChromium chromium = new HeadlessChromium()) {
            ChromeDriver browser = chromium.driver();
            // localhost, not 127.0.0.1: browsers send a Secure cookie over plain HTTP to localhost only.
            String console = "http://localhost:" + port + "/console";

            browser.get(console);
            assertThat(browser.getCurrentUrl()).endsWith("/console/login");
            browser.findElement(By.id("username")).sendKeys("admin");
            browser.findElement(By.id("password")).sendKeys(CONSOLE_PASSWORD);
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            chromium.waiting().until(ExpectedConditions.textToBe(By.tagName("h1"), "Overview"));

            browser.findElement(By.linkText(tenantName)).click();
            browser.findElement(By.linkText("Endpoints")).click();
            UUID goodEndpoint = createEndpoint(chromium, tenantId, good.url(), "order.*", "");
            sendTestEvents(chromium, good);
            chromium.screenshot("endpoint");
            assertThat(jdbc.queryForObject("SELECT actor FROM audit_records WHERE resource_id = ? AND action = 'endpoint.create'",
                    String.class, goodEndpoint.toString())).isEqualTo("console:admin");
            Object withoutToken = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('/console/t/" + tenantId + "/endpoints/" + goodEndpoint + "/enabled', {method: 'POST',"
                    + " headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'enabled=false'})"
                    + ".then(r => done(r.status))");
            assertThat(withoutToken).as("a change with the session cookie but no CSRF token").isEqualTo(403L);

            JsonNode accepted = postEvent(apiKey,
                    "{\"type\":\"order.created\",\"payload\":{\"order\":42,\"note\":\"<script>window.ran=1</script>\"}}",
                    null).json();
            String eventId = accepted.get("id").asText();
            UUID delivery = UUID.fromString(accepted.get("deliveries").get(0).get("id").asText());
            browser.findElement(By.linkText("Events")).click();
            chromium.waiting().until(d -> {
                d.navigate().refresh();
                return !d.findElements(By.linkText(eventId)).isEmpty();
            });
            browser.findElement(By.linkText(eventId)).click();
            chromium.waiting().until(ExpectedConditions.textToBe(By.id("status-" + delivery), "DELIVERED"));
            chromium.waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#delivery-" + delivery + " details.attempt summary"), "HTTP 200"));
            assertThat(browser.findElement(By.id("payload")).getText()).contains("<script>window.ran=1</script>");
            assertThat(browser.executeScript("return window.ran === undefined")).isEqualTo(true);
            // The page's live updates replace the delivery's section, so an element found once may be gone when read.
            chromium.waiting().until(ExpectedConditions.textToBe(By.cssSelector("#delivery-" + delivery + " h4"), "Attempts (1)"));
            chromium.screenshot("event");

            browser.findElement(By.linkText("Endpoints")).click();
            UUID brokenEndpoint = createEndpoint(chromium, tenantId, broken.url(), "invoice.*",
                    "X-Api-Key: s3cret-value\nX-Region: eu");
            JsonNode failing = postEvent(apiKey, "{\"type\":\"invoice.paid\",\"payload\":{\"invoice\":7}}", null).json();
            UUID failed = UUID.fromString(failing.get("deliveries").get(0).get("id").asText());
            browser.findElement(By.linkText("Dead letters")).click();
            chromium.waiting().until(d -> {
                d.navigate().refresh();
                return !d.findElements(By.id("dead-letter-" + failed)).isEmpty();
            });
            assertThat(browser.findElement(By.id("dead-letter-" + failed)).getText()).contains("400");
            chromium.screenshot("dead-letters");

            browser.findElement(By.cssSelector("#dead-letter-" + failed + " a[href$='/endpoints/" + brokenEndpoint + "']")).click();
            assertThat(browser.findElement(By.cssSelector("#edit-endpoint #headers")).getDomProperty("value"))
                    .contains("X-Api-Key: ********", "X-Region: eu").doesNotContain("s3cret-value");
            var url = browser.findElement(By.cssSelector("#edit-endpoint #url"));
            url.clear();
            url.sendKeys(good.url());
            browser.findElement(By.cssSelector("#edit-endpoint button[type=submit]")).click();
            // The good receiver is another origin: the masked key is not taken there until typed again.
            chromium.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".error"),
                    "headers.X-Api-Key"));
            var headers = browser.findElement(By.cssSelector("#edit-endpoint #headers"));
            headers.clear();
            headers.sendKeys("X-Api-Key: s3cret-value\nX-Region: eu");
            browser.findElement(By.cssSelector("#edit-endpoint button[type=submit]")).click();
            chromium.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice"),
                    "Endpoint saved."));

            browser.findElement(By.linkText("Dead letters")).click();
            browser.findElement(By.cssSelector("#dead-letter-" + failed + " a[href$='/events/"
                    + failing.get("id").asText() + "']")).click();
            chromium.waiting().until(ExpectedConditions.textToBe(By.id("status-" + failed), "DEAD_LETTERED"));
            int receivedBeforeReplay = good.received().size();
            browser.executeScript("window.stillTheSamePage = true");
            // The deliveries section may be swapped by a live update at any moment: click it as it is then.
            chromium.waiting().until(d -> {
                d.findElement(By.id("replay-" + failed)).click();
                return true;
            });
            chromium.waiting().until(ExpectedConditions.textToBe(By.id("status-" + failed), "DELIVERED"));
            assertThat(browser.executeScript("return window.stillTheSamePage === true")).isEqualTo(true);
            assertThat(status(failed)).isEqualTo("DELIVERED");
            await().atMost(HeadlessChromium.PATIENCE).until(() -> good.received().size() > receivedBeforeReplay);
            assertThat(good.received().get(good.received().size() - 1).header("x-api-key"))
                    .as("the header value typed again for the new origin").isEqualTo("s3cret-value");
            chromium.screenshot("event-replayed");

            browser.get(console + "/t/" + tenantId + "/tail?endpointId=" + goodEndpoint);
            chromium.waiting().until(d -> d.findElements(By.cssSelector("[hx-ext=sse]")).size() == 1);
            String tailed = postEvent(apiKey, "{\"type\":\"order.shipped\",\"payload\":{\"order\":42}}", null)
                    .json().get("id").asText();
            chromium.waiting().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#tail a[href$='/events/" + tailed + "']")));
            chromium.screenshot("live-tail");

            browser.findElement(By.linkText("Overview")).click();
            assertThat(browser.findElement(By.linkText(tenantName)).findElement(By.xpath("../..")).getText())
                    .contains(tenantName + " 2 0");
            chromium.screenshot("overview");

            browser.manage().window().setSize(new Dimension(390, 844));
            browser.get(console + "/t/" + tenantId + "/events/" + eventId);
            assertThat((Long) browser.executeScript("return document.documentElement.scrollWidth")).isLessThanOrEqualTo(390L);
            chromium.screenshot("event-390px");
        }
    }

    /**
     * On the endpoint's page: a test event sent with htmx (the result swapped into the page's live
     * region, no reload), a refused one showing the field, and one sent as a plain form POST (no
     * JavaScript: a redirect, the result carried over by a flash attribute).
     */
    private static void sendTestEvents(HeadlessChromium chromium, TestReceiver receiver) {
        ChromeDriver browser = chromium.driver();
        By result = By.id("test-result");
        assertThat(browser.findElement(result).getDomAttribute("aria-live")).isEqualTo("polite");
        assertThat(browser.findElement(By.cssSelector("label[for=test-payload]")).getText()).startsWith("Payload");
        browser.executeScript("window.stillTheSamePage = true");
        browser.findElement(By.id("send-test")).click();
        chromium.waiting().until(ExpectedConditions.textToBePresentInElementLocated(result, "Receiver answered HTTP 200"));
        assertThat(browser.findElement(result).getText()).contains("A delivery would be DELIVERED");
        assertThat(browser.executeScript("return window.stillTheSamePage === true")).isEqualTo(true);
        assertThat(receiver.received()).hasSize(1);
        assertThat(receiver.received().get(0).header("webhook-id")).startsWith("msg_test_");
        assertThat(receiver.received().get(0).body()).contains("\"test.event\"");

        WebElement type = browser.findElement(By.id("test-type"));
        type.clear();
        type.sendKeys("not a type!");
        browser.findElement(By.id("send-test")).click();
        chromium.waiting().until(ExpectedConditions.textToBePresentInElementLocated(result, "(field type)"));
        assertThat(browser.findElement(result).getText()).startsWith("Not sent.");
        assertThat(receiver.received()).hasSize(1);

        type.clear();
        type.sendKeys("order.tested");
        // form.submit() fires no submit event, so htmx stays out of it: the browser's own POST.
        browser.executeScript("document.getElementById('test-endpoint').submit()");
        chromium.waiting().until(d -> d.getCurrentUrl().endsWith("#test")
                && d.findElement(result).getText().contains("Receiver answered HTTP 200"));
        assertThat(browser.executeScript("return window.stillTheSamePage === undefined")).isEqualTo(true);
        assertThat(browser.findElement(By.id("test-type")).getDomProperty("value")).isEqualTo("order.tested");
        assertThat(receiver.received()).hasSize(2);
        assertThat(receiver.received().get(1).body()).contains("\"order.tested\"");
    }

    /** Fills the create form of the endpoints page; answers the new endpoint's id. */
    private UUID createEndpoint(HeadlessChromium chromium, UUID tenantId, String url, String eventTypes, String headers) {
        WebDriver browser = chromium.driver();
        browser.findElement(By.cssSelector("#create-endpoint #url")).sendKeys(url);
        browser.findElement(By.cssSelector("#create-endpoint #eventTypes")).sendKeys(eventTypes);
        browser.findElement(By.cssSelector("#create-endpoint #headers")).sendKeys(headers);
        browser.findElement(By.cssSelector("#create-endpoint button[type=submit]")).click();
        assertThat(browser.findElements(By.cssSelector(".error"))).as("a refusal").extracting(e -> e.getText()).isEmpty();
        chromium.waiting().until(d -> d.findElement(By.id("new-secret")).getDomProperty("value").startsWith("whsec_"));
        return jdbc.queryForObject("SELECT id FROM endpoints WHERE tenant_id = ? AND url = ? AND deleted_at IS NULL",
                UUID.class, tenantId, url);
    }
}
